/**
 * Everything a new project holds, as data: the template's files with the project's name filled in, shared
 * data, generated model modules, a package.json that depends on this dlc and the CI workflow. Nothing is
 * written here, so the caller can compare the whole set with what the directory already holds first.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { firstIdxItems } from './fashion-subset.js';
import { PACKAGE_ROOT, type Template, TEMPLATES_DIR } from './templates.js';

export interface ProjectFile {
  /** Relative to the project, `/`-separated. */
  path: string;
  content: Buffer;
}

export interface DlcPackage {
  name: string;
  version: string;
  dependencies: Record<string, string>;
}

export const SPEC_FILE = 'pipeline.yaml';
const TEXT = /\.(ya?ml|md|py|txt|json|ts)$/;

/** npm's rules for a package name, which also make a fine pipeline name: lowercase, no spaces. */
export function projectName(dirName: string): string {
  const name = dirName.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[._-]+|[-]+$/g, '');
  return name || 'dlc-project';
}

export function dlcPackage(): DlcPackage {
  const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as Partial<DlcPackage>;
  return { name: pkg.name ?? 'dlc', version: pkg.version ?? '0.0.0', dependencies: pkg.dependencies ?? {} };
}

function walk(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) walk(p, out);
    else if (entry.isFile()) out.push(p);
  }
  return out;
}

const posix = (p: string) => p.split('\\').join('/');

function fill(text: string, values: Record<string, string | number>): string {
  return text.replace(/\{\{(\w+)\}\}/g, (m, key: string) => (key in values ? String(values[key]) : m));
}

export async function projectFiles(template: Template, name: string, dlc: DlcPackage): Promise<ProjectFile[]> {
  const m = template.manifest;
  const files = new Map<string, Buffer>();
  const add = (path: string, content: Buffer | string) => files.set(posix(path), Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8'));
  const copy = (from: string, to: string, values: Record<string, string | number>) => {
    const raw = readFileSync(from);
    add(to, TEXT.test(from) ? fill(raw.toString('utf8'), values) : raw);
  };

  const generatorInputs = new Set(['template.json', ...Object.values(m.models ?? {})]);
  for (const file of walk(template.dir)) {
    const rel = posix(relative(template.dir, file));
    if (!generatorInputs.has(rel)) copy(file, rel, { name });
  }
  for (const [to, from] of Object.entries(m.shared ?? {})) {
    const dir = join(TEMPLATES_DIR, 'shared', from);
    for (const file of walk(dir)) copy(file, `${to}/${posix(relative(dir, file))}`, { name });
  }
  if (m.fashionMnist) {
    const { dir, train, test } = m.fashionMnist;
    const source = join(PACKAGE_ROOT, 'specs', 'data', 'fashion-mnist-small');
    for (const [prefix, count] of [['train', train], ['t10k', test]] as const) {
      for (const kind of ['images-idx3', 'labels-idx1']) {
        const fileName = `${prefix}-${kind}-ubyte.gz`;
        add(`${dir}/${fileName}`, firstIdxItems(readFileSync(join(source, fileName)), count, fileName));
      }
    }
    copy(join(TEMPLATES_DIR, 'shared', 'fashion-mnist', 'README.md'), `${dir}/README.md`, { train, test });
  }
  if (m.models) {
    // ts-morph is large; only the templates with a TypeScript model load it.
    const { generateModelModule } = await import('./model-code.js');
    const spec = parseYaml(files.get(SPEC_FILE)?.toString('utf8') ?? '') as { steps?: Record<string, unknown> };
    for (const [modulePath, bodyFile] of Object.entries(m.models)) {
      add(modulePath, generateModelModule({ spec, specFile: SPEC_FILE, modulePath, body: readFileSync(join(template.dir, bodyFile), 'utf8') }));
    }
  }

  const devDependencies = Object.fromEntries((m.devDependencies ?? []).filter((d) => dlc.dependencies[d]).map((d) => [d, dlc.dependencies[d]!]));
  const pkg = {
    name,
    version: '0.1.0',
    private: true,
    description: m.description,
    type: 'module',
    scripts: { lint: 'dlc lint', plan: `dlc plan ${SPEC_FILE} --explain`, train: `dlc run ${SPEC_FILE}` },
    dependencies: { [dlc.name]: `^${dlc.version}` },
    ...(Object.keys(devDependencies).length ? { devDependencies } : {}),
  };
  add('package.json', `${JSON.stringify(pkg, null, 2)}\n`);
  add('.github/workflows/dlc.yml', readFileSync(join(TEMPLATES_DIR, 'shared', 'github-workflow.yml')));
  // npm leaves files named .gitignore out of published packages, so the template keeps it without the dot.
  add('.gitignore', readFileSync(join(TEMPLATES_DIR, 'shared', 'gitignore')));
  return [...files.entries()].map(([path, content]) => ({ path, content })).sort((a, b) => a.path.localeCompare(b.path));
}
