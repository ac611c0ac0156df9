/** SQL text built from names and values: every identifier quoted, every string literal escaped. */

export const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;
export const quoteString = (value: string): string => `'${value.replace(/'/g, "''")}'`;
