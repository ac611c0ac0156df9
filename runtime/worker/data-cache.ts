/**
 * Partitions a worker has loaded, by file. Under model hopping a worker keeps serving units on the same
 * partitions, so each file is read from disk once and then stays in memory as flat example arrays.
 */
import { tableToExamples } from '../data/examples.js';
import { readTableFile } from '../data/table-file.js';
import type { ExampleArrays } from '../training/index.js';

/** A partition's examples and how many there are (labels may be vectors, so their length does not say). */
export type LoadedExamples = ExampleArrays & { rows: number };

export class ExampleCache {
  private readonly loaded = new Map<string, Promise<LoadedExamples>>();

  constructor(private readonly columns: () => { features: string[]; label: string }) {}

  get(path: string, columns = this.columns()): Promise<LoadedExamples> {
    const key = `${path}\u0000${columns.features.join(',')}\u0000${columns.label}`;
    const cached = this.loaded.get(key);
    if (cached) return cached;
    const entry = Promise.resolve().then(() => {
      const table = readTableFile(path);
      return { ...tableToExamples(table, columns), rows: table.numRows };
    });
    // A failed read must not stay cached: the next unit may find the file repaired or re-written.
    entry.catch(() => this.loaded.delete(key));
    this.loaded.set(key, entry);
    return entry;
  }

  /** Files held (or being read), without the column key. */
  files(): string[] {
    return [...new Set([...this.loaded.keys()].map((k) => k.split('\u0000')[0]!))];
  }

  async *chunks(paths: readonly string[], columns: { features: string[]; label: string }): AsyncGenerator<ExampleArrays> {
    for (const p of paths) yield await this.get(p, columns);
  }
}
