import type { Range } from '../diagnostics/types.js';
import { type DocPath, pathKey } from './doc-path.js';
import type { SourceFile } from './source-file.js';

/** Where one node of the document came from: its file, the key's range (for map entries) and the value's. */
export interface NodeLocation {
  source: SourceFile;
  key?: Range;
  value: Range;
}

/**
 * A location still held as offsets. Parsing records one per node, but diagnostics ask for few of them, so
 * line and column are worked out only when a location is first read.
 */
class PendingLocation {
  constructor(
    readonly source: SourceFile,
    readonly valueStart: number,
    readonly valueEnd: number,
    /** -1 when the node is not a map entry's value. */
    readonly keyStart: number,
    readonly keyEnd: number,
  ) {}

  resolve(): NodeLocation {
    const loc: NodeLocation = { source: this.source, value: this.source.rangeAt(this.valueStart, this.valueEnd) };
    if (this.keyStart >= 0) loc.key = this.source.rangeAt(this.keyStart, this.keyEnd);
    return loc;
  }
}

export interface Located {
  file: string;
  range: Range;
}

/**
 * Maps document paths to source ranges. After includes are merged, entries from several files live in
 * one table, so every diagnostic can still point at the file the user wrote the value in.
 */
export class LocationTable {
  private readonly table = new Map<string, NodeLocation | PendingLocation>();

  constructor(readonly root: SourceFile) {}

  set(path: DocPath, loc: NodeLocation): void {
    this.table.set(pathKey(path), loc);
  }

  /**
   * Records a node by offsets under a key made by `pathKey`/`childPathKey`; `keyStart` is -1 for nodes
   * that are not a map entry's value. Positions are computed when the location is first read.
   */
  setOffsets(key: string, source: SourceFile, valueStart: number, valueEnd: number, keyStart = -1, keyEnd = -1): void {
    this.table.set(key, new PendingLocation(source, valueStart, valueEnd, keyStart, keyEnd));
  }

  get(path: DocPath): NodeLocation | undefined {
    const key = pathKey(path);
    const entry = this.table.get(key);
    if (!(entry instanceof PendingLocation)) return entry;
    const loc = entry.resolve();
    this.table.set(key, loc);
    return loc;
  }

  /** Copies every entry of another table under the same paths (include merging: later wins). */
  absorb(other: LocationTable, overwrite: boolean): void {
    for (const [k, v] of other.table) {
      if (overwrite || !this.table.has(k)) this.table.set(k, v);
    }
  }

  /**
   * The range a diagnostic about `path` should point at. `key` prefers the entry's key (unknown keys,
   * missing children); otherwise the value. Falls back to the nearest ancestor that has a location, and
   * finally to the start of the root file, so a diagnostic always has a valid range.
   */
  locate(path: DocPath, prefer: 'key' | 'value' = 'value'): Located {
    for (let n = path.length; n >= 0; n--) {
      const loc = this.get(path.slice(0, n));
      if (loc) {
        const range = prefer === 'key' && loc.key ? loc.key : n < path.length && loc.key ? loc.key : loc.value;
        return { file: loc.source.path, range };
      }
    }
    return { file: this.root.path, range: this.root.rangeAt(0, 0) };
  }

  /** A sub-range inside a scalar's source text, found by searching for `needle` (interpolations, SQL). */
  locateInside(path: DocPath, needle: string, from = 0): Located {
    const loc = this.get(path);
    if (!loc) return this.locate(path);
    const src = loc.source.text.slice(loc.value.start.offset, loc.value.end.offset);
    const i = src.indexOf(needle, from);
    if (i < 0) return { file: loc.source.path, range: loc.value };
    const start = loc.value.start.offset + i;
    return { file: loc.source.path, range: loc.source.rangeAt(start, start + needle.length) };
  }

  sourceOf(path: DocPath): SourceFile {
    for (let n = path.length; n >= 0; n--) {
      const loc = this.get(path.slice(0, n));
      if (loc) return loc.source;
    }
    return this.root;
  }
}
