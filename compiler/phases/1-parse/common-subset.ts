import { childPathKey } from '../../source/doc-path.js';
import { LocationTable } from '../../source/locations.js';
import type { SourceFile } from '../../source/source-file.js';

/**
 * A composer for the YAML that specs are made of: block maps and sequences, one-line flow collections,
 * one-line plain and quoted scalars, comments. It reads the text once, builds the plain values and records
 * each node's offsets, and answers `undefined` the moment it meets anything else (anchors, aliases, tags,
 * block scalars, multi-line scalars or flow collections, several documents, tabs, duplicate keys, ...) or
 * anything it is not certain the yaml library reads the same way. The caller then runs the full yaml
 * composer, so values, ranges and diagnostics are the library's in every case; this path only exists
 * because the library's general machinery costs a cold `dlc lint` far more than the subset needs.
 *
 * Ranges follow the yaml library's node ranges exactly (the differential tests hold them to it): a
 * scalar's range is its text (quotes included); a flow collection's, its brackets; a block collection's
 * runs from its first key or `-` to the end of its last entry, which for a scalar on its own line includes
 * the trailing spaces, comment and line break. An empty value sits right after the `:` or `-` and the
 * spaces that follow it. Comment lines on their own stretch some of those ranges, as the library's parser
 * files them: see `trailingComments` and `closeCollection`.
 */
export function composeCommonSubset(source: SourceFile): { value: Record<string, unknown>; locations: LocationTable } | undefined {
  const text = source.text;
  if (UNUSUAL_CHARS.test(text)) return undefined;
  const composer = new SubsetComposer(text, source, new LocationTable(source));
  try {
    return { value: composer.document(), locations: composer.locations };
  } catch (e) {
    if (e === OUTSIDE) return undefined;
    throw e;
  }
}

/** Thrown (never seen outside this file) when the text leaves the subset; a plain object, so no stack is captured. */
const OUTSIDE = { outsideSubset: true } as const;
function outside(): never {
  throw OUTSIDE;
}

/**
 * Tabs, carriage returns, byte-order marks, control characters, NEL, no-break space and the Unicode line
 * separators: each has rules of its own in YAML, so any of them anywhere sends the file to the full composer.
 */
const UNUSUAL_CHARS = /[\u0000-\u0009\u000b-\u001f\u007f-\u00a0\u2028\u2029\ufeff\ufffe\uffff]/;

/** Nesting deeper than this is left to the full composer, which reports absurd depth as a diagnostic. */
const MAX_DEPTH = 100;
/** The yaml library (strict) rejects implicit keys over 1024 characters; stay well below. */
const MAX_KEY_LENGTH = 1000;

/** Where a plain scalar in block context can stop: a `:` that makes it a key, a comment, the line's end. */
const BLOCK_PLAIN_STOP = /:(?=[ \n]|$)| #|\n/g;
/** The same inside a flow collection, where flow indicators and any `:` also stop it. */
const FLOW_PLAIN_STOP = /[,[\]{}:\n]| #/g;
/** Inside a double-quoted scalar: the closing quote, an escape, or a line break (left to the full composer). */
const DOUBLE_QUOTED_STOP = /["\\\n]/g;
const HEX_DIGITS = /^[0-9a-fA-F]+$/;

const SPACE = 32;
const NEWLINE = 10;
const HASH = 35;
const DASH = 45;
const COLON = 58;
const SINGLE_QUOTE = 39;
const DOUBLE_QUOTE = 34;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const COMMA = 44;

/** The double-quoted escapes of YAML 1.2, as the yaml library maps them (a tab cannot get this far). */
const ESCAPES: Record<string, string> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  e: '\x1b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  N: '\u0085',
  _: '\u00a0',
  L: '\u2028',
  P: '\u2029',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
};

class SubsetComposer {
  private readonly length: number;
  /** Where the last scalar or flow collection read ended (after its closing quote or bracket). */
  private pos = 0;
  /** The last node read: its start, the end of its value, and the end of the node with what trails it. */
  private valueStart = 0;
  private valueEnd = 0;
  private nodeEnd = 0;
  /** The next line with content: the offset of its first character (-1 at the end), its indentation. */
  private next = -1;
  private nextIndent = -1;
  /** The comment lines passed on the way to `next`: each one's indentation and the start of the line after it. */
  private readonly commentIndents: number[] = [];
  private readonly commentLineEnds: number[] = [];
  /**
   * Comment lines after the last value that have not found their node yet: the deepest one's indentation,
   * -1 when there are none. They travel outwards with the collections that close (`closeCollection`).
   */
  private trailingIndent = -1;
  /** Whether the last `blockPlainStop` stopped at a key's `:`. */
  private stoppedAtColon = false;

  constructor(
    private readonly text: string,
    private readonly source: SourceFile,
    readonly locations: LocationTable,
  ) {
    this.length = text.length;
  }

  document(): Record<string, unknown> {
    this.scanToContent(0);
    const start = this.next;
    if (start < 0 || this.nextIndent !== 0 || !this.keyAhead(start) || this.deepestComment() > 0) outside();
    const value = this.blockMap(start, 0, '', 1);
    if (this.next >= 0) outside();
    this.locations.setOffsets('', this.source, start, this.valueEnd);
    return value;
  }

  /** From a line start, past blank and comment-only lines, to the next content (sets `next`, `nextIndent`). */
  private scanToContent(from: number): void {
    const text = this.text;
    if (this.commentIndents.length > 0) {
      this.commentIndents.length = 0;
      this.commentLineEnds.length = 0;
    }
    let i = from;
    for (;;) {
      let j = i;
      while (text.charCodeAt(j) === SPACE) j++;
      if (j >= this.length) {
        this.next = -1;
        this.nextIndent = -1;
        return;
      }
      const c = text.charCodeAt(j);
      if (c === NEWLINE) {
        i = j + 1;
        continue;
      }
      if (c === HASH) {
        this.commentIndents.push(j - i);
        i = this.nextLine(j);
        this.commentLineEnds.push(i);
        continue;
      }
      // Document markers (`---`, `...`) and directives belong to the full composer.
      if (j === i && (text.startsWith('---', j) || text.startsWith('...', j) || c === 37)) outside();
      this.next = j;
      this.nextIndent = j - i;
      return;
    }
  }

  private deepestComment(): number {
    let deepest = -1;
    for (const indent of this.commentIndents) if (indent > deepest) deepest = indent;
    return deepest;
  }

  /**
   * Comment lines between a key (or `-`) and the block under it. The library keeps them with the entry, out
   * of every range; they are taken as long as none is deeper than the block itself.
   */
  private commentsBeforeBlock(): void {
    if (this.deepestComment() > this.nextIndent) outside();
  }

  /**
   * Comment lines after an entry's scalar or flow value, in the collection at `indent`, before the next
   * content. The library hands the leading ones deeper than the collection to that value, whose end then
   * takes them in (it matters when the collection closes there); the rest wait for the next entry, or
   * travel outwards with the collections that close. After an empty value the library keeps them in a way
   * not worth copying.
   */
  private trailingComments(indent: number, emptyValue: boolean): void {
    const count = this.commentIndents.length;
    this.trailingIndent = -1;
    if (count === 0) return;
    if (emptyValue) outside();
    let i = 0;
    while (i < count && this.commentIndents[i]! > indent) i++;
    if (i > 0) this.nodeEnd = this.commentLineEnds[i - 1]!;
    for (; i < count; i++) if (this.commentIndents[i]! > this.trailingIndent) this.trailingIndent = this.commentIndents[i]!;
  }

  /**
   * A block collection at `indent` ends with its last entry at `end`. Comment lines still travelling stay
   * with the first closing collection (other than at column 0) that they are not all shallower than; its
   * range then runs on to the content after them, and so do those of the collections closing with it.
   */
  private closeCollection(start: number, indent: number, end: number): void {
    this.valueStart = start;
    this.valueEnd = this.nodeEnd = end;
    if (this.trailingIndent >= 0 && indent > 0 && this.trailingIndent >= indent) {
      this.nodeEnd = this.next >= 0 ? this.next : this.length;
      this.trailingIndent = -1;
    }
  }

  /** The start of the line after the one `i` is on (the text's length on the last line). */
  private nextLine(i: number): number {
    const end = this.lineEnd(i);
    return end < this.length ? end + 1 : this.length;
  }

  private lineEnd(i: number): number {
    const nl = this.text.indexOf('\n', i);
    return nl < 0 ? this.length : nl;
  }

  private skipSpaces(i: number): number {
    while (this.text.charCodeAt(i) === SPACE) i++;
    return i;
  }

  /** After a value on its line: spaces, a comment, the line break. Anything else leaves the subset. */
  private finishLine(from: number): void {
    const text = this.text;
    let i = this.skipSpaces(from);
    if (i < this.length && text.charCodeAt(i) === HASH) {
      if (i === from) outside();
      i = this.lineEnd(i);
    }
    if (i < this.length && text.charCodeAt(i) !== NEWLINE) outside();
    this.nodeEnd = i < this.length ? i + 1 : this.length;
    this.scanToContent(this.nodeEnd);
  }

  /** A `- ` (or a `-` ending its line) at `i`. */
  private seqAhead(i: number): boolean {
    if (this.text.charCodeAt(i) !== DASH) return false;
    const c = this.text.charCodeAt(i + 1);
    return i + 1 >= this.length || c === SPACE || c === NEWLINE;
  }

  /** Whether the content at `i` is a map entry, `key:` with a plain or quoted key on this line. */
  private keyAhead(i: number): boolean {
    const text = this.text;
    const c = text.charCodeAt(i);
    if (c === OPEN_BRACKET || c === OPEN_BRACE || this.seqAhead(i)) return false;
    if (c === SINGLE_QUOTE || c === DOUBLE_QUOTE) {
      this.quoted(i);
      const after = this.pos;
      if (text.charCodeAt(after) !== COLON) return false;
      const n = text.charCodeAt(after + 1);
      return after + 1 >= this.length || n === SPACE || n === NEWLINE;
    }
    this.blockPlainStop(i);
    return this.stoppedAtColon;
  }

  /**
   * Where a plain scalar from `i` stops in block context: at a `:` that makes it a key (`stoppedAtColon`),
   * at ` #`, at the line break, or at the end of the text.
   */
  private blockPlainStop(i: number): number {
    BLOCK_PLAIN_STOP.lastIndex = i;
    // test() rather than exec(): no match object for every scalar.
    if (!BLOCK_PLAIN_STOP.test(this.text)) {
      this.stoppedAtColon = false;
      return this.length;
    }
    const after = BLOCK_PLAIN_STOP.lastIndex;
    const last = this.text.charCodeAt(after - 1);
    this.stoppedAtColon = last === COLON;
    return last === HASH ? after - 2 : after - 1;
  }

  /** A block node on a line of its own: a sequence or a map; a lone scalar there leaves the subset. */
  private blockNode(start: number, indent: number, key: string, depth: number): unknown {
    if (this.seqAhead(start)) return this.blockSeq(start, indent, key, depth);
    if (this.keyAhead(start)) return this.blockMap(start, indent, key, depth);
    return outside();
  }

  private blockMap(start: number, indent: number, pathKey: string, depth: number): Record<string, unknown> {
    if (depth > MAX_DEPTH) outside();
    const out: Record<string, unknown> = {};
    let at = start;
    let end: number;
    for (;;) {
      const key = this.mapKey(at);
      const keyStart = at;
      const keyEnd = this.pos;
      // Duplicates (including `1` and `'1'`, which yaml keeps apart) go to the full composer's diagnostics.
      if (Object.hasOwn(out, key)) outside();
      const childKey = childPathKey(pathKey, key);
      const value = this.mapValue(keyEnd + 1, indent, childKey, depth + 1);
      this.locations.setOffsets(childKey, this.source, this.valueStart, this.valueEnd, keyStart, keyEnd);
      define(out, key, value);
      end = this.nodeEnd;
      if (this.next < 0 || this.nextIndent < indent) break;
      if (this.nextIndent > indent) outside();
      at = this.next;
    }
    this.closeCollection(start, indent, end);
    return out;
  }

  /** A map entry's key at `at`; leaves `pos` on the `:`. */
  private mapKey(at: number): string {
    const text = this.text;
    const c = text.charCodeAt(at);
    let key: string;
    let colon: number;
    if (c === SINGLE_QUOTE || c === DOUBLE_QUOTE) {
      key = this.quoted(at);
      colon = this.pos;
      if (text.charCodeAt(colon) !== COLON || colon - at > MAX_KEY_LENGTH) outside();
    } else {
      this.checkPlainStart(at, false);
      colon = this.blockPlainStop(at);
      if (!this.stoppedAtColon) outside();
      // `key :` and overlong keys: rare, and the library has rules of its own for them.
      if (text.charCodeAt(colon - 1) === SPACE || colon - at > MAX_KEY_LENGTH) outside();
      const raw = text.slice(at, colon);
      // `<<` is a merge key in some YAML dialects; leave its meaning to the library.
      if (raw === '<<') outside();
      const value = plainScalar(raw);
      key = value === null ? '' : String(value);
    }
    const n = text.charCodeAt(colon + 1);
    if (!(colon + 1 >= this.length || n === SPACE || n === NEWLINE)) outside();
    this.pos = colon;
    return key;
  }

  /** The value after a map entry's `:` at `from - 1`: on the same line, on the lines below, or none. */
  private mapValue(from: number, indent: number, pathKey: string, depth: number): unknown {
    const s = this.skipSpaces(from);
    const c = this.text.charCodeAt(s);
    if (s >= this.length || c === NEWLINE || c === HASH) {
      this.scanToContent(this.nextLine(s));
      if (this.next >= 0) {
        if (this.nextIndent > indent) {
          this.commentsBeforeBlock();
          return this.blockNode(this.next, this.nextIndent, pathKey, depth);
        }
        // A sequence may sit at its key's own indentation.
        if (this.nextIndent === indent && this.seqAhead(this.next)) {
          this.commentsBeforeBlock();
          return this.blockSeq(this.next, indent, pathKey, depth);
        }
      }
      // An empty value with a comment: the library's range for it reaches into the next line.
      if (c === HASH) outside();
      return this.emptyValue(s, indent);
    }
    return this.inlineValue(s, indent, pathKey, depth);
  }

  /** A null for `key:` or `-` with nothing after it; `at` is after the indicator and its spaces. */
  private emptyValue(at: number, collectionIndent: number): null {
    this.trailingComments(collectionIndent, true);
    this.valueStart = this.valueEnd = this.nodeEnd = at;
    return null;
  }

  private blockSeq(start: number, indent: number, pathKey: string, depth: number): unknown[] {
    if (depth > MAX_DEPTH) outside();
    const out: unknown[] = [];
    let at = start;
    let end: number;
    for (;;) {
      const childKey = childPathKey(pathKey, out.length);
      // Comment lines right before this `-` (still those of the scan that found it).
      const commentedItem = this.commentIndents.length > 0;
      const s = this.skipSpaces(at + 1);
      const c = this.text.charCodeAt(s);
      let value: unknown;
      if (s >= this.length || c === NEWLINE || c === HASH) {
        this.scanToContent(this.nextLine(s));
        if (this.next >= 0 && this.nextIndent > indent) {
          this.commentsBeforeBlock();
          value = this.blockNode(this.next, this.nextIndent, childKey, depth + 1);
        } else if (c === HASH || commentedItem) {
          // The library stretches an empty item's range over the comment lines before it (or after it).
          return outside();
        } else value = this.emptyValue(s, indent);
      } else if (this.seqAhead(s)) {
        return outside();
      } else if (this.keyAhead(s)) {
        // `- key: value`: a map whose entries line up with its first key.
        value = this.blockMap(s, indent + (s - at), childKey, depth + 1);
      } else {
        value = this.inlineValue(s, indent, childKey, depth + 1);
      }
      this.locations.setOffsets(childKey, this.source, this.valueStart, this.valueEnd);
      out.push(value);
      end = this.nodeEnd;
      if (this.next < 0 || this.nextIndent < indent) break;
      if (this.nextIndent > indent) outside();
      if (!this.seqAhead(this.next)) break;
      at = this.next;
    }
    this.closeCollection(start, indent, end);
    return out;
  }

  /**
   * A scalar or flow collection that must end on its line (after spaces and a comment), as an entry of
   * the block collection at `collectionIndent`.
   */
  private inlineValue(s: number, collectionIndent: number, pathKey: string, depth: number): unknown {
    const text = this.text;
    const c = text.charCodeAt(s);
    let value: unknown;
    if (c === OPEN_BRACKET) value = this.flowSeq(s, pathKey, depth);
    else if (c === OPEN_BRACE) value = this.flowMap(s, pathKey, depth);
    else if (c === SINGLE_QUOTE || c === DOUBLE_QUOTE) value = this.quoted(s);
    else {
      this.checkPlainStart(s, false);
      let e = this.blockPlainStop(s);
      // `key: a: b` (a compact map where the library reports an error) leaves the subset.
      if (this.stoppedAtColon) outside();
      while (text.charCodeAt(e - 1) === SPACE) e--;
      value = plainScalar(text.slice(s, e));
      this.valueStart = s;
      this.valueEnd = this.pos = e;
    }
    const valueEnd = this.valueEnd;
    this.finishLine(this.pos);
    this.trailingComments(collectionIndent, false);
    this.valueStart = s;
    this.valueEnd = valueEnd;
    return value;
  }

  private flowSeq(start: number, pathKey: string, depth: number): unknown[] {
    if (depth > MAX_DEPTH) outside();
    const text = this.text;
    const out: unknown[] = [];
    let i = start + 1;
    for (;;) {
      i = this.skipSpaces(i);
      const c = text.charCodeAt(i);
      if (c === CLOSE_BRACKET) break;
      if (c === COMMA) outside();
      const childKey = childPathKey(pathKey, out.length);
      const value = this.flowNode(i, childKey, depth + 1);
      this.locations.setOffsets(childKey, this.source, this.valueStart, this.valueEnd);
      out.push(value);
      i = this.skipSpaces(this.pos);
      const d = text.charCodeAt(i);
      if (d === COMMA) i++;
      else if (d !== CLOSE_BRACKET) outside();
    }
    this.pos = i + 1;
    this.valueStart = start;
    this.valueEnd = i + 1;
    return out;
  }

  private flowMap(start: number, pathKey: string, depth: number): Record<string, unknown> {
    if (depth > MAX_DEPTH) outside();
    const text = this.text;
    const out: Record<string, unknown> = {};
    let i = start + 1;
    for (;;) {
      i = this.skipSpaces(i);
      const c = text.charCodeAt(i);
      if (c === CLOSE_BRACE) break;
      const keyStart = i;
      let key: string;
      let keyEnd: number;
      if (c === SINGLE_QUOTE || c === DOUBLE_QUOTE) {
        key = this.quoted(i);
        keyEnd = this.pos;
      } else if (c === OPEN_BRACKET || c === OPEN_BRACE) {
        return outside();
      } else {
        const value = this.flowPlain(i);
        key = value === null ? '' : String(value);
        keyEnd = this.valueEnd;
        if (key === '<<') outside();
      }
      if (Object.hasOwn(out, key)) outside();
      const childKey = childPathKey(pathKey, key);
      i = this.pos;
      if (text.charCodeAt(i) === COLON) {
        // Only `key: value`; `key:value`, `"key":value`, `key :` and `key:` with no value are left to the library.
        if (i !== keyEnd || text.charCodeAt(i + 1) !== SPACE) outside();
        const v = this.skipSpaces(i + 1);
        const d = text.charCodeAt(v);
        if (d === COMMA || d === CLOSE_BRACE || d === HASH) outside();
        const value = this.flowNode(v, childKey, depth + 1);
        this.locations.setOffsets(childKey, this.source, this.valueStart, this.valueEnd, keyStart, keyEnd);
        define(out, key, value);
        i = this.skipSpaces(this.pos);
      } else {
        // `{ a, b: 1 }`: a key with no value at all; the library records no value node, so neither do we.
        i = this.skipSpaces(i);
        this.locations.setOffsets(childKey, this.source, keyEnd, keyEnd, keyStart, keyEnd);
        define(out, key, null);
      }
      const d = text.charCodeAt(i);
      if (d === COMMA) i++;
      else if (d !== CLOSE_BRACE) outside();
    }
    this.pos = i + 1;
    this.valueStart = start;
    this.valueEnd = i + 1;
    return out;
  }

  /** A node inside a flow collection; leaves `pos` where it stopped. */
  private flowNode(i: number, pathKey: string, depth: number): unknown {
    const c = this.text.charCodeAt(i);
    if (c === OPEN_BRACKET) return this.flowSeq(i, pathKey, depth);
    if (c === OPEN_BRACE) return this.flowMap(i, pathKey, depth);
    if (c === SINGLE_QUOTE || c === DOUBLE_QUOTE) return this.quoted(i);
    return this.flowPlain(i);
  }

  private flowPlain(i: number): unknown {
    this.checkPlainStart(i, true);
    FLOW_PLAIN_STOP.lastIndex = i;
    if (!FLOW_PLAIN_STOP.test(this.text)) outside();
    const after = FLOW_PLAIN_STOP.lastIndex;
    const last = this.text.charCodeAt(after - 1);
    // A flow collection must close on its line.
    if (last === NEWLINE) outside();
    const stop = last === HASH ? after - 2 : after - 1;
    let e = stop;
    while (this.text.charCodeAt(e - 1) === SPACE) e--;
    this.valueStart = i;
    this.valueEnd = e;
    this.pos = stop;
    return plainScalar(this.text.slice(i, e));
  }

  /**
   * A plain scalar cannot start with an indicator; `-` may start one when a non-space follows (`-1`).
   * `?` and `:` may too in YAML, but seldom do in a spec: those go to the library.
   */
  private checkPlainStart(i: number, inFlow: boolean): void {
    const c = this.text.charCodeAt(i);
    if (c === DASH) {
      const n = this.text.charCodeAt(i + 1);
      if (i + 1 >= this.length || n === SPACE || n === NEWLINE) outside();
      if (inFlow && (n === COMMA || n === OPEN_BRACKET || n === CLOSE_BRACKET || n === OPEN_BRACE || n === CLOSE_BRACE)) outside();
      return;
    }
    if (i >= this.length || (c < 128 && PLAIN_START_INDICATORS[c] === 1)) outside();
  }

  /** A one-line quoted scalar at `i`; sets `pos` after the closing quote. */
  private quoted(i: number): string {
    const text = this.text;
    const lineEnd = this.lineEnd(i);
    let value: string;
    let end: number;
    if (text.charCodeAt(i) === SINGLE_QUOTE) {
      let from = i + 1;
      let escaped = false;
      for (;;) {
        const q = text.indexOf("'", from);
        if (q < 0 || q > lineEnd) outside();
        if (text.charCodeAt(q + 1) === SINGLE_QUOTE) {
          escaped = true;
          from = q + 2;
          continue;
        }
        end = q + 1;
        break;
      }
      value = text.slice(i + 1, end - 1);
      if (escaped) value = value.replace(/''/g, "'");
    } else {
      value = '';
      let from = i + 1;
      for (;;) {
        DOUBLE_QUOTED_STOP.lastIndex = from;
        const m = DOUBLE_QUOTED_STOP.exec(text);
        if (m === null || m[0] === '\n') outside();
        const q = m.index;
        value += text.slice(from, q);
        if (m[0] === '"') {
          end = q + 1;
          break;
        }
        const e = text.charAt(q + 1);
        const simple = ESCAPES[e];
        if (simple !== undefined && Object.hasOwn(ESCAPES, e)) {
          value += simple;
          from = q + 2;
          continue;
        }
        const digits = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
        const hex = text.slice(q + 2, q + 2 + digits);
        if (digits === 0 || hex.length !== digits || !HEX_DIGITS.test(hex)) outside();
        const code = Number.parseInt(hex, 16);
        if (code > 0x10ffff) outside();
        value += String.fromCodePoint(code);
        from = q + 2 + digits;
      }
    }
    this.pos = end;
    this.valueStart = i;
    this.valueEnd = end;
    return value;
  }
}

/** Characters that cannot start a plain scalar (`-` is handled on its own), as a table by char code. */
const PLAIN_START_INDICATORS = new Uint8Array(128);
for (const c of '?:,[]{}#&*!|>\'"%@`') PLAIN_START_INDICATORS[c.charCodeAt(0)] = 1;

/** `__proto__` must become data, never the object's prototype. */
function define(out: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}

const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT_OCT = /^0o[0-7]+$/;
const INT = /^[-+]?[0-9]+$/;
const INT_HEX = /^0x[0-9a-fA-F]+$/;
const FLOAT_NAN = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const FLOAT_EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;

/**
 * A plain scalar's value under the YAML 1.2 core schema, with the yaml library's tests in its order and its
 * conversions (`parseInt`, `parseFloat`), so `0o17`, `0x1F`, `1e3`, `.inf`, `~` and `True` come out alike.
 */
export function plainScalar(s: string): unknown {
  const c = s.charCodeAt(0);
  // Only digits, signs, `.`, `~` and the first letters of null/true/false can start a non-string.
  const numeric = (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46;
  if (!numeric && c !== 126 && c !== 110 && c !== 78 && c !== 116 && c !== 84 && c !== 102 && c !== 70) return s;
  if (NULL.test(s)) return null;
  if (BOOL.test(s)) return c === 116 || c === 84;
  if (!numeric) return s;
  if (INT_OCT.test(s)) return Number.parseInt(s.substring(2), 8);
  if (INT.test(s)) return Number.parseInt(s, 10);
  if (INT_HEX.test(s)) return Number.parseInt(s.substring(2), 16);
  if (FLOAT_NAN.test(s)) return s.slice(-3).toLowerCase() === 'nan' ? Number.NaN : c === 45 ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  if (FLOAT_EXP.test(s) || FLOAT.test(s)) return Number.parseFloat(s);
  return s;
}
