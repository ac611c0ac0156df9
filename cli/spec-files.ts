import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError } from './usage-error.js';

const SPEC_EXT = /\.(ya?ml|json)$/i;
const SKIP_DIRS = new Set(['node_modules', 'runs', 'dist', '.git']);

/** A file in a directory counts as a spec when its top level has a `dlc` key: fragments and other YAML are skipped. */
function looksLikeSpec(path: string): boolean {
  try {
    const text = readFileSync(path, 'utf8');
    const head = text.slice(0, 64 * 1024);
    if (/^dlc\s*:/m.test(head)) return true;
    if (!/^\s*\{[\s\S]*?"dlc"\s*:/.test(head)) return false;
    // A JSON file naming "dlc" anywhere is not yet a spec: a project's package.json depends on "dlc".
    // Only a top-level key counts; a spec too broken to parse is still linted, to say why.
    try {
      const doc = JSON.parse(text) as unknown;
      return doc !== null && typeof doc === 'object' && !Array.isArray(doc) && Object.hasOwn(doc, 'dlc');
    } catch {
      return true;
    }
  } catch {
    return false;
  }
}

/** Expands lint arguments (files, directories, globs) into spec files, sorted and unique. */
export async function expandSpecArgs(args: string[], cwd: string): Promise<string[]> {
  const out = new Set<string>();
  for (const arg of args.length ? args : ['.']) {
    const abs = resolve(cwd, arg);
    let st: ReturnType<typeof statSync> | undefined;
    try {
      st = statSync(abs);
    } catch {
      st = undefined;
    }
    if (st?.isFile()) {
      out.add(abs);
      continue;
    }
    if (st?.isDirectory()) {
      walk(abs, out);
      continue;
    }
    if (/[*?[\]{}]/.test(arg)) {
      const { globSync } = await import('tinyglobby');
      const matches = globSync(arg, { cwd, absolute: true, onlyFiles: true }).filter((p) => SPEC_EXT.test(p));
      if (matches.length === 0) throw new UsageError(`no spec files match '${arg}'`);
      for (const m of matches) out.add(m);
      continue;
    }
    throw new UsageError(`no such file or directory: ${arg}`);
  }
  return [...out].sort();
}

function walk(dir: string, out: Set<string>): void {
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith('.') || SKIP_DIRS.has(name)) continue;
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) walk(p, out);
    else if (SPEC_EXT.test(name) && !name.endsWith('.schema.json') && looksLikeSpec(p)) out.add(p);
  }
}
