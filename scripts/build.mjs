#!/usr/bin/env node
// Build: type-check and emit with tsc, then precompile the spec's JSON Schema into a standalone ajv
// validator so `dlc lint` never pays for schema compilation at start-up.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const r = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.json')], { stdio: 'inherit' });
// DLC_BUILD_LOOSE=1 keeps going past type errors (tsc still emits), for work in progress only.
if (r.status !== 0 && process.env.DLC_BUILD_LOOSE !== '1') process.exit(r.status ?? 1);

const schemaModule = join(root, 'dist', 'compiler', 'schema', 'pipeline-schema.js');
if (existsSync(schemaModule)) {
  const { pipelineSchema } = await import(pathToFileURL(schemaModule).href);
  const { default: Ajv2020 } = await import('ajv/dist/2020.js');
  const { default: standaloneCode } = await import('ajv/dist/standalone/index.js');
  const ajv = new Ajv2020({ code: { source: true, esm: true }, allErrors: true, discriminator: true, strict: false });
  const validate = ajv.compile(pipelineSchema);
  const out = join(root, 'dist', 'compiler', 'phases', '2-validate', 'schema-validator.generated.js');
  mkdirSync(dirname(out), { recursive: true });
  // ajv's standalone output still uses require() for its runtime helpers; this package is ESM.
  let code = standaloneCode(ajv, validate);
  const helpers = [];
  code = code.replace(/require\("([^"]+)"\)/g, (_m, spec) => {
    const name = `__ajvRuntime${helpers.length}`;
    helpers.push(`import ${name} from ${JSON.stringify(spec.endsWith('.js') ? spec : `${spec}.js`)};`);
    return name;
  });
  code = code.replace(/^"use strict";/, '');
  writeFileSync(out, `${helpers.join('\n')}\n${code}`);
}
const main = join(root, 'dist', 'cli', 'main.js');
if (existsSync(main)) chmodSync(main, 0o755);
