/**
 * `dlc doctor`: what this machine offers dlc — the TensorFlow.js backends that start (and why the others do
 * not), GPUs found by nvidia-smi, cores, memory and versions. Exit 0 when training can run at all.
 */
import { availableParallelism, cpus, totalmem } from 'node:os';
import type { CommandContext } from './commands.js';
import { dlcVersion } from './version.js';

export default async function doctor(ctx: CommandContext): Promise<number> {
  const { initEngine } = await import('../runtime/engine/index.js');
  const { queryGpus, formatBytes } = await import('../runtime/devices/index.js');
  const out: string[] = [];
  out.push(`dlc ${dlcVersion()} on Node ${process.versions.node} (${process.platform} ${process.arch})`);
  out.push(`cpu: ${availableParallelism()} cores, ${cpus()[0]?.model.trim() ?? 'unknown model'}; memory ${formatBytes(totalmem())}`);

  const gpus = queryGpus();
  if (gpus.gpus.length === 0) out.push(`gpus: none (${gpus.problem ?? 'nvidia-smi found no GPU'})`);
  else {
    out.push(`gpus: ${gpus.gpus.length}`);
    for (const g of gpus.gpus) out.push(`  ${g.index}: ${g.name}${g.memoryTotalBytes !== undefined ? `, ${formatBytes(g.memoryTotalBytes)}` : ''}${g.driverVersion ? `, driver ${g.driverVersion}` : ''}`);
    if (gpus.problem) out.push(`  note: ${gpus.problem}`);
  }

  let ok = true;
  try {
    const engine = await initEngine({ device: gpus.gpus.length > 0 ? 'gpu' : 'cpu', quiet: true });
    out.push(`tensorflow.js backend: ${engine.backend}${engine.wasm ? ` (simd ${engine.wasm.simd ? 'on' : 'off'}, threads ${engine.wasm.threads ? 'on' : 'off'}, ${engine.wasm.gradientKernels.length} gradient kernels added)` : ''}`);
    for (const t of engine.tried) out.push(`  ${t.ok ? '✓' : '·'} ${t.backend}: ${t.reason}`);
    out.push(`versions: ${Object.entries(engine.versions).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  } catch (error) {
    ok = false;
    out.push(`tensorflow.js: ${(error as Error).message}`);
  }
  if (ctx.flags.json === true) ctx.stdout.write(`${JSON.stringify({ lines: out, ok })}\n`);
  else ctx.stdout.write(`${out.join('\n')}\n`);
  return ok ? 0 : 1;
}
