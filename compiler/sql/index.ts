/**
 * The SQL front end used at lint time: parses `filter:` / `derive:` expressions, infers their types
 * against the input columns, and lists the tables a `sql` step's query reads. Pure and dependency-free,
 * so linting never loads DuckDB.
 */
export type * from './ast.js';
export { children } from './ast.js';
export type { SqlError, Token, TokenKind, TokenizeResult } from './tokenizer.js';
export { tokenize } from './tokenizer.js';
export type { ParseResult } from './parser.js';
export { MAX_NESTING, MAX_TREE_DEPTH, parseExpression } from './parser.js';
export type { ColumnRefLocation } from './column-refs.js';
export { columnRefs } from './column-refs.js';
export type { InferResult, TypeProblem } from './infer-type.js';
export { checkBoolean, inferType } from './infer-type.js';
export type { ArgKind, FunctionInfo, ReturnRule } from './functions.js';
export { lookupFunction } from './functions.js';
export { resolveTypeName } from './type-names.js';
export type { TableRef, TableRefsResult } from './table-refs.js';
export { extractTableRefs } from './table-refs.js';
