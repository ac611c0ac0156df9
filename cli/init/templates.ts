/** The project templates of `dlc init`: each folder of `templates/` with a `template.json`. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { didYouMean } from '../../compiler/diagnostics/did-you-mean.js';
import { UsageError } from '../usage-error.js';

/** The package's root: templates and the shipped data live there, next to `dist/`. */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const TEMPLATES_DIR = join(PACKAGE_ROOT, 'templates');

export interface TemplateManifest {
  /** One line for `dlc init --list`. */
  description: string;
  /** A slice of the Fashion-MNIST subset that ships with dlc, cut into the project. */
  fashionMnist?: { dir: string; train: number; test: number };
  /** Project folder → folder of `templates/shared/` copied into it. */
  shared?: Record<string, string>;
  /** Model module to generate → the template's file holding the factory's body. */
  models?: Record<string, string>;
  /** dlc's own dependencies the project should name too (for editors' types), at dlc's version ranges. */
  devDependencies?: string[];
}

export interface Template {
  name: string;
  dir: string;
  manifest: TemplateManifest;
}

export function listTemplates(root = TEMPLATES_DIR): Template[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(root, d.name, 'template.json')))
    .map((d) => ({ name: d.name, dir: join(root, d.name), manifest: JSON.parse(readFileSync(join(root, d.name, 'template.json'), 'utf8')) as TemplateManifest }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

export function findTemplate(name: string, root = TEMPLATES_DIR): Template {
  const all = listTemplates(root);
  const found = all.find((t) => t.name === name);
  if (!found) throw new UsageError(`dlc init: no template '${name}'${didYouMean(name, all.map((t) => t.name))}`, `templates: ${all.map((t) => t.name).join(', ')} (dlc init --list)`);
  return found;
}
