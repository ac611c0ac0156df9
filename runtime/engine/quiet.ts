// tfjs talks on the console: the cpu backend greets Node users with advice to install tfjs-node, a second
// platform registration warns, failed backend initialisation prints a stack. A worker's stdout and stderr may
// carry a protocol or a progress display, so the engine keeps tfjs silent and reports what matters (why a
// backend was not used) as data instead.
import type * as TfCore from '@tensorflow/tfjs-core';

type Core = typeof TfCore;

/**
 * Production mode is the switch tfjs itself offers: in 4.22 the PROD flag only gates its console warnings and
 * logs. Native TensorFlow (tfjs-node) logs from C++ at load time, governed by TF_CPP_MIN_LOG_LEVEL, which
 * must be set before the binding loads; a value the user set is kept.
 */
export function quietTfjs(tf: Core): void {
  tf.env().set('PROD', true);
  process.env['TF_CPP_MIN_LOG_LEVEL'] ??= '2';
}

/**
 * Runs `fn` while collecting what tfjs would print with console.warn. Backend initialisation swallows its
 * errors and only warns them, so this is the one way to learn why a backend did not start. Production mode is
 * lifted for the duration (tfjs would otherwise not even warn) and restored after; when `forward` is set the
 * messages are also passed on to the real console.
 */
export async function collectTfjsWarnings<T>(
  tf: Core,
  forward: boolean,
  fn: () => Promise<T>,
): Promise<{ result: T; warnings: string[] } | { error: unknown; warnings: string[] }> {
  const warnings: string[] = [];
  const originalWarn = console.warn;
  const wasProd = tf.env().getBool('PROD');
  console.warn = (...args: unknown[]) => {
    warnings.push(args.map((a) => (a instanceof Error ? a.message : String(a))).join(' '));
    if (forward) originalWarn(...args);
  };
  tf.env().set('PROD', false);
  try {
    return { result: await fn(), warnings };
  } catch (error) {
    return { error, warnings };
  } finally {
    console.warn = originalWarn;
    tf.env().set('PROD', wasProd);
  }
}
