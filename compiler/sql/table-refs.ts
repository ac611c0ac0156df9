/**
 * The tables a `sql` step's query reads. Not a SELECT parser: a single pass over the tokens that tracks,
 * per parenthesis level, whether the next word names a table (after FROM, JOIN or a comma in a FROM
 * list). Working on tokens means strings, quoted identifiers and comments never fool it; tracking
 * levels lets it descend into subqueries and tell CTE names (scoped to their WITH) from real tables.
 */
import { excerpt, tokenize, type SqlError, type Token } from './tokenizer.js';

export interface TableRef {
  /** As written (dot-joined when qualified), or the unescaped content of a "quoted" identifier. */
  name: string;
  start: number;
  end: number;
  /** The FROM item was a string literal, which DuckDB reads as a file path (`FROM 'data.parquet'`). */
  literal?: true;
}

export type TableRefsResult = { ok: true; tables: TableRef[] } | { ok: false; error: SqlError };

type Mode =
  /** Nothing of interest expected. */
  | 'none'
  /** After FROM, JOIN or a comma in a FROM list: a table item comes next. */
  | 'table'
  /** Just read a table name: a '.' continues it, a '(' makes it a table function. */
  | 'after-name'
  /** After a table item: an alias, a join, a comma, or the end of the FROM clause. */
  | 'after-table'
  /** Inside ON / USING of a join. */
  | 'condition'
  /** WITH [RECURSIVE] name [(columns)] AS [[NOT] MATERIALIZED] (body) [, …] */
  | 'cte-name'
  | 'cte-before-as'
  | 'cte-after-as'
  | 'cte-after-body';

interface Level {
  open: Token | null;
  mode: Mode;
  /** The mode the enclosing level takes once this one closes. */
  resume: Mode;
  /** A SELECT was seen at this level, so a FROM here starts a FROM clause (not EXTRACT(x FROM y)). */
  sawSelect: boolean;
  /** The token that asked for a table, for messages. */
  wanted: Token | null;
  ctes: { name: string; start: number; end: number }[];
}

/** Words that end a FROM clause. */
const CLAUSE_END = new Set([
  'WHERE', 'GROUP', 'HAVING', 'ORDER', 'LIMIT', 'OFFSET', 'QUALIFY', 'WINDOW', 'UNION', 'EXCEPT', 'INTERSECT', 'FETCH', 'SELECT',
]);
/** Words that can never name a table where one is expected. */
const NOT_A_TABLE = new Set([...CLAUSE_END, 'ON', 'USING', 'JOIN', 'INNER', 'LEFT', 'RIGHT', 'FULL', 'CROSS', 'NATURAL', 'AS', 'AND', 'OR', 'NOT']);

class Failure {
  constructor(readonly error: SqlError) {}
}

function fail(message: string, start: number, end: number): never {
  throw new Failure({ message, start, end });
}

export function extractTableRefs(query: string): TableRefsResult {
  const lexed = tokenize(query);
  if (!lexed.ok) return lexed;
  try {
    return { ok: true, tables: scan(query, lexed.tokens) };
  } catch (e) {
    if (e instanceof Failure) return { ok: false, error: e.error };
    throw e;
  }
}

function scan(query: string, tokens: Token[]): TableRef[] {
  const raw = (t: Token): string => query.slice(t.start, t.end);
  const show = (t: Token): string => (t.kind === 'eof' ? 'end of query' : `'${excerpt(raw(t))}'`);
  const isKw = (t: Token | undefined, ...words: string[]): boolean => t !== undefined && t.kind === 'ident' && words.includes(t.upper);
  const isOp = (t: Token | undefined, op: string): boolean => t !== undefined && t.kind === 'op' && t.value === op;
  const isName = (t: Token | undefined): t is Token => t !== undefined && (t.kind === 'quoted-ident' || (t.kind === 'ident' && !NOT_A_TABLE.has(t.upper)));

  checkStatementStart(tokens, show);

  const refs: TableRef[] = [];
  const closedCtes: { name: string; start: number; end: number }[] = [];
  const top: Level = { open: null, mode: 'none', resume: 'none', sawSelect: false, wanted: null, ctes: [] };
  const stack: Level[] = [top];
  const wantedTable = (level: Level, t: Token): never => {
    const after = level.wanted ? ` after '${excerpt(raw(level.wanted))}'` : '';
    if (t.kind === 'eof') fail(`expected a table${after}, found end of query`, t.start, t.start);
    fail(`expected a table${after}, found ${show(t)}`, t.start, t.end);
  };
  const endOfStatement = (t: Token): void => {
    const level = stack[stack.length - 1] as Level;
    if (level.mode === 'table') wantedTable(level, t);
    if (level.mode === 'cte-after-body') fail(`expected SELECT after the WITH clause, found ${show(t)}`, t.start, t.end);
    if (level.mode.startsWith('cte-')) fail(`incomplete WITH clause: expected name AS (query), found ${show(t)}`, t.start, t.end);
    if (level.open) fail(`expected ')' to close '(' opened at ${level.open.start}, found ${show(t)}`, t.start, t.end);
  };

  let i = 0;
  for (; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    const level = stack[stack.length - 1] as Level;
    if (t.kind === 'eof' || isOp(t, ';')) {
      endOfStatement(t);
      break;
    }
    const prev = tokens[i - 1];
    const firstAtLevel = level.open ? prev === level.open : i === 0;

    if (isOp(t, '(')) {
      let mode: Mode = 'none';
      let resume: Mode = level.mode;
      if (level.mode === 'table') {
        // A subquery or a parenthesised join; a SELECT inside turns the level back to 'none'.
        mode = 'table';
        resume = 'after-table';
      } else if (level.mode === 'after-name') {
        // name( … ) is a table function such as read_parquet(…) or range(…), not a table.
        refs.pop();
        resume = 'after-table';
      } else if (level.mode === 'cte-after-as') {
        resume = 'cte-after-body';
      }
      stack.push({ open: t, mode, resume, sawSelect: false, wanted: level.wanted, ctes: [] });
      continue;
    }
    if (isOp(t, ')')) {
      if (stack.length === 1) fail(`unmatched ')'`, t.start, t.end);
      const closed = stack.pop() as Level;
      if (closed.mode === 'table') wantedTable(closed, t);
      for (const c of closed.ctes) closedCtes.push({ ...c, end: t.start });
      (stack[stack.length - 1] as Level).mode = closed.resume;
      continue;
    }

    if (level.mode === 'after-name') {
      const next = tokens[i + 1];
      if (isOp(t, '.') && (next?.kind === 'ident' || next?.kind === 'quoted-ident')) {
        const ref = refs[refs.length - 1] as TableRef;
        ref.name = `${ref.name}.${next.value}`;
        ref.end = next.end;
        i++;
        continue;
      }
      // Whatever follows a table name is read as after any table item.
      level.mode = 'after-table';
    }

    switch (level.mode) {
      case 'table':
        if (isKw(t, 'SELECT', 'WITH', 'VALUES', 'FROM')) {
          level.mode = 'none';
          break;
        }
        if (isKw(t, 'LATERAL', 'ONLY')) continue;
        if (t.kind === 'string') {
          refs.push({ name: t.value, start: t.start, end: t.end, literal: true });
          level.mode = 'after-table';
          continue;
        }
        if (isName(t)) {
          refs.push({ name: t.value, start: t.start, end: t.end });
          level.mode = 'after-name';
          continue;
        }
        return wantedTable(level, t);
      case 'after-table':
      case 'condition':
        if (isOp(t, ',') || isKw(t, 'JOIN')) {
          level.mode = 'table';
          level.wanted = t;
          continue;
        }
        if (level.mode === 'after-table' && isKw(t, 'ON', 'USING')) {
          level.mode = 'condition';
          continue;
        }
        if (t.kind === 'ident' && CLAUSE_END.has(t.upper)) {
          level.mode = 'none';
          break;
        }
        continue;
      case 'cte-name':
        if (isKw(t, 'RECURSIVE')) continue;
        if (t.kind !== 'ident' && t.kind !== 'quoted-ident') fail(`expected a name for the common table expression, found ${show(t)}`, t.start, t.end);
        level.ctes.push({ name: t.value.toLowerCase(), start: t.start, end: query.length });
        level.mode = 'cte-before-as';
        continue;
      case 'cte-before-as':
        if (isKw(t, 'AS')) level.mode = 'cte-after-as';
        continue;
      case 'cte-after-as':
        continue;
      case 'cte-after-body':
        if (isOp(t, ',')) {
          level.mode = 'cte-name';
          continue;
        }
        if (stack.length === 1 && !isKw(t, 'SELECT', 'FROM')) fail(`expected SELECT after the WITH clause, found ${show(t)}`, t.start, t.end);
        level.mode = 'none';
        // The statement proper starts here; DuckDB allows it to start with FROM.
        level.sawSelect = true;
        break;
      default:
        break;
    }

    // Mode 'none': watch for the keywords that start something.
    if (isKw(t, 'SELECT')) level.sawSelect = true;
    else if (isKw(t, 'WITH') && !isKw(tokens[i + 1], 'ORDINALITY')) level.mode = 'cte-name';
    else if (isKw(t, 'FROM') && (level.sawSelect || firstAtLevel) && !isKw(prev, 'DISTINCT')) {
      level.mode = 'table';
      level.wanted = t;
    }
  }

  // Anything after the first ';' other than more ';' is a second statement.
  const rest = tokens.slice(i + 1).filter((t) => t.kind !== 'eof' && !isOp(t, ';'));
  const first = rest[0];
  const last = rest[rest.length - 1];
  if (first && last) fail('a sql step runs one statement: remove everything after the first \';\'', first.start, last.end);

  for (const c of top.ctes) closedCtes.push(c);
  // A name defined by a WITH in scope is a CTE, not an input table.
  return refs.filter(
    (r) => r.literal || r.name.includes('.') || !closedCtes.some((c) => c.name === r.name.toLowerCase() && r.start >= c.start && r.start < c.end),
  );
}

function checkStatementStart(tokens: Token[], show: (t: Token) => string): void {
  const first = tokens.find((t) => !(t.kind === 'op' && t.value === '(')) as Token;
  if (tokens[0]?.kind === 'eof') fail('empty query', 0, first.start);
  if (first.kind === 'ident' && (first.upper === 'SELECT' || first.upper === 'WITH')) return;
  fail(`a sql step's query must be one SELECT statement (or WITH … SELECT), found ${show(first)}`, first.start, first.end);
}
