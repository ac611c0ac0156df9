// Picks the fastest TensorFlow.js backend that starts here: tfjs-node-gpu (GPU workers only), tfjs-node, wasm
// (with the gradient kernels it lacks), then the plain cpu backend. Every backend passed over is reported
// with the reason, for `dlc doctor` and for run logs.
import type * as TfCore from '@tensorflow/tfjs-core';
import { BACKEND_CANDIDATES, type BackendCandidate } from './backend-candidates.js';
import { loadTfjs } from './load-tfjs.js';
import { coreLoadedBy, nodePackages, type PackageAccess } from './packages.js';
import { collectTfjsWarnings, quietTfjs } from './quiet.js';
import { BACKEND_ORDER, type BackendAttempt, type BackendName, type EngineInfo, type EngineOptions } from './types.js';

/** Loads tfjs, selects and starts a backend, and says what was tried. */
export async function initEngine(opts: EngineOptions = {}): Promise<EngineInfo> {
  return selectBackend(opts, nodePackages);
}

/** initEngine with the package access passed in, so tests can stand in for packages not installed here. */
export async function selectBackend(opts: EngineOptions, access: PackageAccess): Promise<EngineInfo> {
  const { core, tf, corePath } = await loadTfjs(access);
  const quiet = opts.quiet ?? true;
  if (quiet) quietTfjs(core);
  const context: AttemptContext = { core, corePath, access, quiet, device: opts.device ?? 'cpu' };

  const tried: BackendAttempt[] = [];
  for (const name of backendOrder(opts.prefer)) {
    const attempt = await tryBackend(BACKEND_CANDIDATES[name], context);
    tried.push(attempt);
    if (!attempt.ok) continue;
    const versions = collectVersions(access, BACKEND_CANDIDATES[name].packageName);
    if (name !== 'wasm') return { tf, backend: name, versions, tried };
    return { tf, backend: name, versions, tried, wasm: await prepareWasm(core) };
  }
  throw new Error(
    `no TensorFlow.js backend could start:\n${tried.map((t) => `  ${t.backend}: ${t.reason}`).join('\n')}`,
  );
}

/** The usual order, with the preferred backend moved to the front. */
export function backendOrder(prefer: EngineOptions['prefer']): BackendName[] {
  if (prefer === undefined || prefer === 'auto') return [...BACKEND_ORDER];
  return [prefer, ...BACKEND_ORDER.filter((name) => name !== prefer)];
}

interface AttemptContext {
  core: typeof TfCore;
  corePath: string;
  access: PackageAccess;
  quiet: boolean;
  device: 'gpu' | 'cpu';
}

async function tryBackend(candidate: BackendCandidate, ctx: AttemptContext): Promise<BackendAttempt> {
  const { core, access } = ctx;
  const failed = (reason: string): BackendAttempt => ({ backend: candidate.name, ok: false, reason });
  if (candidate.needsGpu && ctx.device !== 'gpu') return failed(`worker is not on a GPU (device: ${ctx.device})`);
  if (access.resolve(candidate.packageName) === undefined) return failed(`not installed (${candidate.installHint})`);
  const usedCore = coreLoadedBy(access, candidate.coreChain);
  if (usedCore !== ctx.corePath) {
    return failed(
      `would load a second @tensorflow/tfjs-core (${usedCore ?? 'not found'}) besides ${ctx.corePath}; ` +
        'install matching versions so npm shares one copy',
    );
  }

  const outcome = await collectTfjsWarnings(core, !ctx.quiet, async () => {
    await access.load(candidate.packageName);
    if (!hasBackendFactory(core, candidate.tfjsBackend)) {
      throw new Error(`loaded, but no '${candidate.tfjsBackend}' backend was registered`);
    }
    if (!(await core.setBackend(candidate.tfjsBackend))) {
      throw new Error(`the '${candidate.tfjsBackend}' backend failed to initialise`);
    }
    await core.ready();
  });
  if ('error' in outcome) return failed(describeFailure(outcome.error, outcome.warnings));
  const version = access.version(candidate.packageName) ?? 'unknown version';
  return { backend: candidate.name, ok: true, reason: `selected ${candidate.packageName}@${version}` };
}

function hasBackendFactory(core: typeof TfCore, name: string): boolean {
  // findBackendFactory is typed as always returning a factory but returns null for unknown names.
  return (core.findBackendFactory(name) as unknown) != null;
}

/** First line of the error plus what tfjs warned while it happened, deduplicated and bounded. */
function describeFailure(error: unknown, warnings: readonly string[]): string {
  const message = error instanceof Error ? error.message : String(error);
  const lines = [message, ...warnings]
    .map((text) => text.split('\n').map((l) => l.trim()).find((l) => l !== '' && !/^=+$/.test(l)) ?? '')
    .filter((line, i, all) => line !== '' && all.indexOf(line) === i);
  const text = lines.join('; ');
  return text.length > 400 ? `${text.slice(0, 397)}...` : text;
}

function collectVersions(access: PackageAccess, backendPackage: string): Record<string, string> {
  const versions: Record<string, string> = { node: process.versions.node };
  for (const name of ['@tensorflow/tfjs-core', '@tensorflow/tfjs-layers', backendPackage]) {
    const version = access.version(name);
    if (version !== undefined) versions[name] = version;
  }
  return versions;
}

async function prepareWasm(core: typeof TfCore): Promise<NonNullable<EngineInfo['wasm']>> {
  // Loaded only on this path: the kernels module pulls in the wasm package.
  const { registerWasmGradientKernels } = await import('./wasm-kernels/index.js');
  const registered = registerWasmGradientKernels();
  return {
    simd: (await core.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true,
    threads: (await core.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) === true,
    gradientKernels: registered.map((k) => k.kernelName),
  };
}
