/**
 * `model: {module: ./models/net.ts, export: build}`: the model is whatever the module's factory builds,
 * called in the worker as `build(hp, ctx)` with the trial's whole configuration and the worker's own
 * TensorFlow.js in `ctx.tf`.
 *
 * The module is TypeScript, which Node does not run, so it and the files it imports by relative paths are
 * transpiled (`ts.transpileModule`, type information not needed) into a cache directory named by the hash
 * of their contents, and loaded from there. The cache sits in the project's `node_modules/.cache/dlc` when
 * the module is inside a project with `node_modules`, so the module's own package imports resolve as they
 * would next to it; otherwise under $XDG_CACHE_HOME/dlc (or ~/.cache/dlc). An index per module records the
 * files and their hashes, so a worker that finds its module compiled never loads the TypeScript compiler.
 *
 * Loading is synchronous (require of an ES module, Node ≥ 20.19; CommonJS output on older Nodes) because a
 * trainer is created synchronously wherever a worker needs one. Factories are synchronous for the same
 * reason, and must not use top-level await.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { Tf } from '../engine/index.js';
import type { BoundModelSpec, HpValues } from './bind-hyperparameters.js';
import { ModelSpecError } from './layer-config.js';
import { deriveSeed, seededRandom } from './seeds.js';

const require = createRequire(import.meta.url);

/** What a factory gets besides the hyperparameters. */
export interface ModelContext {
  /**
   * The worker's TensorFlow.js (tfjs-core and tfjs-layers). A module must build with this rather than
   * import tfjs: a second copy of tfjs is a second engine with its own backend registry, and a model built
   * by it holds tensors this worker's backend cannot train, save or restore.
   */
  tf: Tf;
  /** The model's input without the batch dimension: the spec's `input_shape`. */
  inputShape: number[];
  /** The trial's seed; unseeded initialisers draw from it too, so the same seed gives the same weights. */
  seed: number;
}

export type ModelFactory = (hp: Record<string, unknown>, ctx: ModelContext) => LayersModel;

export interface BuildModuleModelOptions {
  seed: number;
  inputShape: number[];
  /** Where compiled modules are cached; default as described above. */
  cacheDir?: string;
}

/** Builds a trial's model with the module's factory and checks that it is a model this worker can train. */
export function buildModuleModel(tf: Tf, spec: BoundModelSpec, hp: HpValues, options: BuildModuleModelOptions): LayersModel {
  const file = spec.module;
  const name = spec.export;
  if (file === undefined || name === undefined) throw new ModelSpecError('a module model needs both module and export');
  const factory = loadModelFactory(file, name, options.cacheDir);
  const ctx: ModelContext = { tf, inputShape: [...options.inputShape], seed: options.seed };
  // tfjs draws the initial weights of unseeded initialisers from Math.random; a generator seeded by the
  // trial makes a factory's models as reproducible as a layers model's without the factory doing anything.
  const random = Math.random;
  Math.random = seededRandom(deriveSeed(options.seed, 'module-model', file));
  let model: unknown;
  try {
    model = factory(structuredClone(hp) as Record<string, unknown>, ctx);
  } catch (error) {
    throw new ModelSpecError(`${name}(hp, ctx) in ${file} failed: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    Math.random = random;
  }
  return checkModel(tf, model, name, options.inputShape);
}

function checkModel(tf: Tf, model: unknown, name: string, inputShape: readonly number[]): LayersModel {
  if (model !== null && typeof model === 'object' && typeof (model as { then?: unknown }).then === 'function') {
    throw new ModelSpecError(`${name}(hp, ctx) returned a promise; a factory returns the model itself`);
  }
  if (!(model instanceof tf.LayersModel)) {
    const what = model !== null && typeof model === 'object' && 'layers' in model ? 'a model of another copy of TensorFlow.js (build it with ctx.tf, not an imported tfjs)' : typeof model;
    throw new ModelSpecError(`${name}(hp, ctx) must return a tf.LayersModel built with ctx.tf, got ${what}`);
  }
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    model.dispose();
    throw new ModelSpecError(`${name}(hp, ctx) built a model with ${model.inputs.length} inputs and ${model.outputs.length} outputs; dlc trains models with one of each`);
  }
  const got = model.inputs[0]!.shape.slice(1);
  const per = (s: readonly (number | null)[]) => s.reduce<number>((a, b) => a * (b ?? NaN), 1);
  if (got.every((d) => d !== null) && per(got) !== per(inputShape)) {
    model.dispose();
    throw new ModelSpecError(`${name}(hp, ctx) built a model whose input is [${got.join(', ')}], which does not hold input_shape [${inputShape.join(', ')}]; use ctx.inputShape`);
  }
  return model;
}

const factories = new Map<string, Record<string, unknown>>();

/** The module's export `name`, loaded once per process per compiled version of the module. */
export function loadModelFactory(file: string, name: string, cacheDir?: string): ModelFactory {
  const entry = compiledEntry(file, cacheDir);
  let namespace = factories.get(entry);
  if (namespace === undefined) {
    try {
      namespace = require(entry) as Record<string, unknown>;
    } catch (error) {
      throw new ModelSpecError(`cannot load model module ${file}: ${error instanceof Error ? error.message : String(error)}`);
    }
    factories.set(entry, namespace);
  }
  const factory = namespace[name];
  if (typeof factory !== 'function') {
    const exported = Object.keys(namespace).filter((k) => typeof namespace[k] === 'function');
    throw new ModelSpecError(`model module ${file} has no exported function '${name}'${exported.length ? ` (its functions: ${exported.join(', ')})` : ''}`);
  }
  return factory as ModelFactory;
}

/** Node ≥ 20.19 and ≥ 22.12 can require() an ES module; older ones get CommonJS. */
const esm = (process.features as { require_module?: boolean }).require_module === true;

interface CacheIndex {
  entry: string;
  files: { path: string; sha256: string }[];
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The compiled module's path, compiling it (and its relative imports) when the cache has no current copy. */
export function compiledEntry(file: string, cacheDir?: string): string {
  if (!existsSync(file)) throw new ModelSpecError(`model module not found: ${file}`);
  const root = cacheDir ?? cacheRootFor(file);
  const indexFile = join(root, 'index', `${sha256(`${esm}\u0000${file}`)}.json`);
  const known = readIndex(indexFile);
  if (known && existsSync(known.entry) && known.files.every((f) => fileHash(f.path) === f.sha256)) return known.entry;
  const compiled = compileModuleGraph(file, root);
  writeAtomically(indexFile, JSON.stringify(compiled));
  return compiled.entry;
}

function readIndex(path: string): CacheIndex | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as CacheIndex;
  } catch {
    return undefined;
  }
}

function fileHash(path: string): string | undefined {
  try {
    return sha256(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

function compileModuleGraph(file: string, root: string): CacheIndex {
  const { ts } = require('ts-morph') as typeof import('ts-morph');
  const { localModuleGraph, TS_SOURCE } = require('../../compiler/typescript/local-modules.js') as typeof import('../../compiler/typescript/local-modules.js');
  const graph = localModuleGraph(ts, file, {
    readFile: (p) => {
      try {
        return statSync(p).isFile() ? readFileSync(p, 'utf8') : undefined;
      } catch {
        return undefined;
      }
    },
    fileExists: existsSync,
  });
  const base = commonDirectory(graph.map((g) => g.path));
  const key = sha256([ts.version, esm ? 'esm' : 'cjs', ...graph.flatMap((g) => [relative(base, g.path), sha256(g.text)])].join('\u0000'));
  const dir = join(root, key);
  const outputName = (p: string) => relative(base, p).replace(/\.tsx?$/, '.js').replace(/\.mts$/, '.mjs').replace(/\.cts$/, '.cjs');
  if (!existsSync(dir)) {
    const staging = `${dir}.${process.pid}.${randomBytes(4).toString('hex')}`;
    try {
      mkdirSync(staging, { recursive: true });
      writeFileSync(join(staging, 'package.json'), `${JSON.stringify({ type: esm ? 'module' : 'commonjs', private: true })}\n`);
      for (const g of graph) {
        const out = join(staging, outputName(g.path));
        mkdirSync(dirname(out), { recursive: true });
        writeFileSync(out, TS_SOURCE.test(g.path) ? transpile(ts, g.path, g.text) : g.text);
      }
      try {
        renameSync(staging, dir);
      } catch (error) {
        // Another worker compiled the same files first; its copy is identical.
        if (!existsSync(dir)) throw error;
      }
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
  }
  return { entry: join(dir, outputName(file)), files: graph.map((g) => ({ path: g.path, sha256: sha256(g.text) })) };
}

function transpile(ts: typeof import('ts-morph').ts, path: string, text: string): string {
  const result = ts.transpileModule(text, {
    fileName: path,
    reportDiagnostics: true,
    compilerOptions: {
      module: esm ? ts.ModuleKind.ESNext : ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      // `./layers.ts` in a source becomes `./layers.js`, the name it is written under here.
      rewriteRelativeImportExtensions: true,
      esModuleInterop: true,
    },
  });
  const errors = (result.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length > 0) {
    const d = errors[0]!;
    const where = d.file && d.start !== undefined ? `:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}` : '';
    throw new ModelSpecError(`model module ${path}${where}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
  }
  return result.outputText;
}

function commonDirectory(paths: readonly string[]): string {
  let dir = dirname(paths[0]!);
  while (!paths.every((p) => p.startsWith(dir.endsWith(sep) ? dir : dir + sep))) {
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return dir;
}

/** The project's `node_modules/.cache/dlc/modules` when there is a project around the module, else the user's cache. */
export function cacheRootFor(file: string, env: NodeJS.ProcessEnv = process.env): string {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const modules = join(dir, 'node_modules');
    if (existsSync(modules) && writable(join(modules, '.cache', 'dlc', 'modules'))) return join(modules, '.cache', 'dlc', 'modules');
    if (dirname(dir) === dir) break;
  }
  const base = env.XDG_CACHE_HOME ? env.XDG_CACHE_HOME : env.HOME ? join(env.HOME, '.cache') : join(homedir() || tmpdir(), '.cache');
  const user = join(base, 'dlc', 'modules');
  return writable(user) ? user : join(tmpdir(), `dlc-modules-${process.getuid?.() ?? 'user'}`);
}

function writable(dir: string): boolean {
  try {
    mkdirSync(dir, { recursive: true });
    return true;
  } catch {
    return false;
  }
}

function writeAtomically(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(temp, text);
  renameSync(temp, path);
}
