/** Plans compiled from spec text, tables built from plain values, and checks that tables match what the compiler promised. */
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Field, makeData, type Data, type Table } from 'apache-arrow';
import { createNodeHost } from '../../../cli/node-host.js';
import { compile } from '../../../compiler/index.js';
import type { ExecutionPlan, PlanNode } from '../../../compiler/phases/5-plan/plan-types.js';
import type { Column } from '../../../compiler/spec/columns.js';
import { columnTypeOf } from '../../../runtime/relational/arrow/column-types.js';
import { tableOf } from '../../../runtime/relational/arrow/table-parts.js';
import { tensorType, tensorField } from '../../../runtime/relational/arrow/tensor-field.js';
import type { RelationalContext } from '../../../runtime/relational/types.js';
import type { TempDir } from '../data/fixtures.js';

/** Compiles `yaml` (written as spec.yaml in `dir`) to a plan; fails the test on any error. */
export function compilePlan(dir: TempDir, yaml: string, name = 'spec.yaml'): ExecutionPlan {
  const file = dir.write(name, yaml);
  const r = compile({ file, host: createNodeHost(process.env), mode: 'plan', cores: availableParallelism() });
  if (!r.ok) assert.fail(`spec does not compile:\n${r.errors.map((e) => `${e.code} ${e.path ?? ''}: ${e.message}`).join('\n')}`);
  assert.ok(r.plan);
  return r.plan;
}

export function nodeOf(plan: ExecutionPlan, id: string): PlanNode {
  const n = plan.nodes.find((x) => x.id === id);
  assert.ok(n, `no node ${id}`);
  return n;
}

export const context = (dir: TempDir, over: Partial<RelationalContext> = {}): RelationalContext => ({ seed: 7, workDir: join(dir.path, 'work'), workers: 1, ...over });

/** Names and types of the table's columns equal the columns the compiler inferred (nullability not compared). */
export function assertColumns(table: Table, columns: readonly Column[] | undefined): void {
  assert.ok(columns, 'the plan has no columns for this output');
  const actual = table.schema.fields.map((f) => ({ name: f.name, type: columnTypeOf(f) ?? `unsupported ${f.type}` }));
  assert.deepEqual(actual, columns.map((c) => ({ name: c.name, type: c.type })));
}

/** A tensor column chunk from flat values. */
export function tensorData(dtype: 'uint8' | 'int32' | 'float32', shape: number[], values: Uint8Array | Int32Array | Float32Array, nullBitmap?: Uint8Array): Data {
  const type = tensorType(dtype, shape);
  const size = type.listSize;
  const child = makeData({ type: type.children[0]!.type, length: values.length, data: values, nullCount: 0 } as never);
  const length = values.length / size;
  return makeData({ type, length, child, ...(nullBitmap ? { nullBitmap, nullCount: -1 } : { nullCount: 0 }) } as never);
}

export function tensorTable(name: string, dtype: 'uint8' | 'int32' | 'float32', shape: number[], values: Uint8Array | Int32Array | Float32Array, extra: { field: Field; data: Data }[] = []): Table {
  const data = tensorData(dtype, shape, values);
  return tableOf([tensorField(name, dtype, shape), ...extra.map((e) => e.field)], [data, ...extra.map((e) => e.data)], data.length);
}

/** The rows of a table as plain objects (tensors as number arrays, bigints as numbers) for comparisons. */
export function rowsOf(table: Table): Record<string, unknown>[] {
  return table.toArray().map((row) => {
    const o: Record<string, unknown> = {};
    for (const f of table.schema.fields) o[f.name] = plain((row as Record<string, unknown>)[f.name]);
    return o;
  });
}

function plain(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (v && typeof v === 'object' && Symbol.iterator in v && typeof (v as { toArray?: unknown }).toArray === 'function') return [...(v as Iterable<unknown>)].map(plain);
  return v;
}
