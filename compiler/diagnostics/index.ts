/** The diagnostics API: the data types, the code catalog and the four output formats. */
export type { Diagnostic, Position, Range, RelatedLocation, Severity } from './types.js';
export { compareDiagnostics } from './types.js';
export { CODES, diag, type Code, type DiagnosticExtras } from './codes.js';
export { closest, didYouMean, editDistance } from './did-you-mean.js';
export { codeFrame, charWidth, visible, type CodeFrameOptions } from './code-frame.js';
export { countBySeverity, displayPath, type SeverityCounts } from './format-common.js';
export { formatPretty, type PrettyOptions } from './format-pretty.js';
export { formatJson, JSON_FORMAT_VERSION, type JsonOptions } from './format-json.js';
export { escapeData, escapeProperty, formatGithub, type GithubOptions } from './format-github.js';
export { buildSarifLog, formatSarif, SARIF_SCHEMA, type SarifLog, type SarifOptions } from './format-sarif.js';
