/**
 * The lineage cache of relational steps. A step's output is stored under a key that hashes its resolved
 * definition, its inputs' keys (a source's key covers its files' paths, sizes and modification times), the
 * run seed and the dlc version. A re-run reuses every output whose key is unchanged; a run that died
 * recomputes only what is missing — lineage, as Spark recomputes lost partitions.
 *
 * An entry is its Arrow IPC files plus `entry.json`, written last: an entry without it (a crash while
 * writing) is not an entry.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Table } from 'apache-arrow';
import type { PlanNode } from '../../compiler/phases/5-plan/plan-types.js';
import { readTableFile, writeTableFile } from '../data/table-file.js';

const ENTRY = 'entry.json';

export class StepCache {
  constructor(
    readonly dir: string,
    private readonly version: string,
  ) {}

  /** The node's key, or undefined when an input has none (it came from training, which is not cached). */
  keyOf(node: PlanNode, inputKeys: readonly (string | undefined)[], seed: number): string | undefined {
    if (inputKeys.some((k) => k === undefined)) return undefined;
    const hash = createHash('sha256');
    hash.update(JSON.stringify({ version: this.version, seed, op: node.op, config: node.config, inputs: node.inputs, inputKeys }));
    if (node.kind === 'source') {
      for (const f of node.stats?.files ?? []) {
        try {
          const s = statSync(f.path);
          hash.update(`${f.path}\u0000${s.size}\u0000${s.mtimeMs}\n`);
        } catch {
          // A file that cannot be read: the reader will say so; no key means no stale reuse.
          return undefined;
        }
      }
    }
    return hash.digest('hex').slice(0, 32);
  }

  load(key: string): Record<string, Table> | undefined {
    const entryDir = join(this.dir, key);
    const manifest = join(entryDir, ENTRY);
    if (!existsSync(manifest)) return undefined;
    try {
      const { outputs } = JSON.parse(readFileSync(manifest, 'utf8')) as { outputs: string[] };
      return Object.fromEntries(outputs.map((o) => [o, readTableFile(join(entryDir, `${o}.arrow`))]));
    } catch {
      // A damaged entry is recomputed, never trusted.
      rmSync(entryDir, { recursive: true, force: true });
      return undefined;
    }
  }

  /** Whether a step without table outputs (an export) has already done its work under this key. */
  has(key: string): boolean {
    return existsSync(join(this.dir, key, ENTRY));
  }

  async save(key: string, outputs: Record<string, Table>, node: PlanNode): Promise<void> {
    const entryDir = join(this.dir, key);
    try {
      mkdirSync(entryDir, { recursive: true });
      for (const [name, table] of Object.entries(outputs)) await writeTableFile(join(entryDir, `${name}.arrow`), table);
      const temp = join(entryDir, `${ENTRY}.tmp`);
      writeFileSync(temp, `${JSON.stringify({ node: node.id, op: node.op, outputs: Object.keys(outputs), created: new Date().toISOString() })}\n`);
      renameSync(temp, join(entryDir, ENTRY));
    } catch {
      // The cache is an optimisation: a full disk here must not fail the run.
      rmSync(entryDir, { recursive: true, force: true });
    }
  }
}
