/**
 * The SQL tokenizer shared by the expression parser and the table-reference scan of `sql` steps.
 * It follows DuckDB's (PostgreSQL's) lexical rules closely enough that a string, a quoted identifier
 * or a comment is never mistaken for code: a FROM inside '...' is not a FROM.
 */

/** A problem located in the text: 0-based UTF-16 offsets, `end` exclusive. */
export interface SqlError {
  message: string;
  start: number;
  end: number;
}

export type TokenKind =
  | 'number'
  | 'string'
  /** A plain identifier or keyword; `upper` tells which keyword, if any. */
  | 'ident'
  /** A "double quoted" identifier: never a keyword. */
  | 'quoted-ident'
  | 'op'
  /** `$1` or `?`: prepared-statement parameters, never valid in a spec. */
  | 'param'
  | 'eof';

export interface Token {
  kind: TokenKind;
  /** Decoded value: unescaped string or identifier content, operator text, or the number as written. */
  value: string;
  /** Upper-cased value of a plain identifier, for keyword tests; empty for other kinds. */
  upper: string;
  start: number;
  end: number;
}

export type TokenizeResult = { ok: true; tokens: Token[] } | { ok: false; error: SqlError };

/** Multi-character operators, longest first so that `<=` wins over `<`. */
const MULTI_OPS = ['->>', '::', '<=', '>=', '<>', '!=', '==', '||', '//', '**', '->'];
const SINGLE_OPS = new Set('+-*/%^<>=(),.;[]{}:&|~!@#'.split(''));

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isAsciiLetter = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

function isSpace(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c === 32 || (c >= 9 && c <= 13)) return true;
  return c >= 0x80 && /\s/.test(text[i] ?? '');
}

// As in PostgreSQL, any non-ASCII character (other than whitespace) may appear in an identifier.
function isIdentStart(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return isAsciiLetter(c) || c === 95 || (c >= 0x80 && !isSpace(text, i));
}
function isIdentPart(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return isIdentStart(text, i) || isDigit(c) || c === 36;
}

/** Shortens a piece of source for use inside a message. */
export function excerpt(s: string, max = 30): string {
  const flat = s.replace(/\s+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export function tokenize(text: string): TokenizeResult {
  const tokens: Token[] = [];
  const n = text.length;
  let i = 0;
  const fail = (message: string, start: number, end: number): TokenizeResult => ({ ok: false, error: { message, start, end } });
  const push = (kind: TokenKind, value: string, start: number, end: number): void => {
    tokens.push({ kind, value, upper: kind === 'ident' ? value.toUpperCase() : '', start, end });
  };

  while (i < n) {
    const c = text.charCodeAt(i);
    if (isSpace(text, i)) {
      i++;
      continue;
    }
    const start = i;
    // Line comment.
    if (c === 45 && text.charCodeAt(i + 1) === 45) {
      while (i < n && text[i] !== '\n' && text[i] !== '\r') i++;
      continue;
    }
    // Block comment; they nest, as in PostgreSQL.
    if (c === 47 && text.charCodeAt(i + 1) === 42) {
      let depth = 1;
      i += 2;
      while (i < n && depth > 0) {
        if (text[i] === '/' && text[i + 1] === '*') {
          depth++;
          i += 2;
        } else if (text[i] === '*' && text[i + 1] === '/') {
          depth--;
          i += 2;
        } else i++;
      }
      if (depth > 0) return fail("unterminated comment: '/*' is never closed by '*/'", start, n);
      continue;
    }
    // Numbers: 12, 1.5, .5, 1., 1e-3, 1_000 (DuckDB allows underscores between digits).
    if (isDigit(c) || (c === 46 && isDigit(text.charCodeAt(i + 1)))) {
      const digits = (): void => {
        while (i < n && (isDigit(text.charCodeAt(i)) || (text[i] === '_' && isDigit(text.charCodeAt(i + 1)) && isDigit(text.charCodeAt(i - 1))))) i++;
      };
      digits();
      if (text[i] === '.' && text[i + 1] !== '.') {
        i++;
        digits();
      }
      if (text[i] === 'e' || text[i] === 'E') {
        const sign = text[i + 1] === '+' || text[i + 1] === '-' ? 1 : 0;
        if (isDigit(text.charCodeAt(i + 1 + sign))) {
          i += 1 + sign;
          digits();
        }
      }
      push('number', text.slice(start, i), start, i);
      continue;
    }
    // 'string' with '' escapes; E'string' additionally takes backslash escapes.
    const escaped = (c === 69 || c === 101) && text[i + 1] === "'";
    if (c === 39 || escaped) {
      i += escaped ? 2 : 1;
      let value = '';
      for (;;) {
        if (i >= n) return fail('unterminated string: add the closing quote', start, n);
        const ch = text[i] as string;
        if (ch === "'") {
          if (text[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (escaped && ch === '\\' && i + 1 < n) {
          const next = text[i + 1] as string;
          value += next === 'n' ? '\n' : next === 't' ? '\t' : next === 'r' ? '\r' : next;
          i += 2;
          continue;
        }
        value += ch;
        i++;
      }
      push('string', value, start, i);
      continue;
    }
    // "quoted identifier" with "" escapes.
    if (c === 34) {
      i++;
      let value = '';
      for (;;) {
        if (i >= n) return fail('unterminated quoted identifier: add the closing \'"\'', start, n);
        const ch = text[i] as string;
        if (ch === '"') {
          if (text[i + 1] === '"') {
            value += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += ch;
        i++;
      }
      if (value === '') return fail('empty quoted identifier ""', start, i);
      push('quoted-ident', value, start, i);
      continue;
    }
    // $1 parameters and $tag$ dollar-quoted strings.
    if (c === 36) {
      if (isDigit(text.charCodeAt(i + 1))) {
        i++;
        while (i < n && isDigit(text.charCodeAt(i))) i++;
        push('param', text.slice(start, i), start, i);
        continue;
      }
      let j = i + 1;
      while (j < n && (isAsciiLetter(text.charCodeAt(j)) || isDigit(text.charCodeAt(j)) || text[j] === '_')) j++;
      if (text[j] === '$' && !isDigit(text.charCodeAt(i + 1))) {
        const tag = text.slice(i, j + 1);
        const close = text.indexOf(tag, j + 1);
        if (close < 0) return fail(`unterminated dollar-quoted string: ${tag} is never closed`, start, n);
        push('string', text.slice(j + 1, close), start, close + tag.length);
        i = close + tag.length;
        continue;
      }
    }
    if (isIdentStart(text, i)) {
      i++;
      while (i < n && isIdentPart(text, i)) i++;
      push('ident', text.slice(start, i), start, i);
      continue;
    }
    if (c === 63) {
      i++;
      push('param', '?', start, i);
      continue;
    }
    const multi = MULTI_OPS.find((op) => text.startsWith(op, i));
    if (multi !== undefined) {
      i += multi.length;
      push('op', multi, start, i);
      continue;
    }
    const ch = text[i] as string;
    if (SINGLE_OPS.has(ch)) {
      i++;
      push('op', ch, start, i);
      continue;
    }
    const cp = text.codePointAt(i) ?? c;
    const width = cp > 0xffff ? 2 : 1;
    return fail(`unexpected character '${String.fromCodePoint(cp)}'`, start, start + width);
  }
  tokens.push({ kind: 'eof', value: '', upper: '', start: n, end: n });
  return { ok: true, tokens };
}
