import type { Located } from '../source/locations.js';
import { type DocPath, formatPath } from '../source/doc-path.js';
import type { Diagnostic, RelatedLocation, Severity } from './types.js';

/**
 * The catalog of diagnostic codes. Codes are stable: never renumber one, retire it instead.
 * 1xx parse, 2xx schema, 3xx resolve, 4xx analyze, 5xx plan.
 */
export const CODES = {
  DLC100: { name: 'file-unreadable', severity: 'error', title: 'The spec file cannot be read' },
  DLC101: { name: 'yaml-syntax', severity: 'error', title: 'YAML syntax error' },
  DLC102: { name: 'duplicate-key', severity: 'error', title: 'A key appears twice in one mapping' },
  DLC103: { name: 'json-syntax', severity: 'error', title: 'JSON syntax error (.json files are parsed strictly)' },
  DLC104: { name: 'multiple-documents', severity: 'error', title: 'A spec file holds exactly one YAML document' },
  DLC105: { name: 'empty-document', severity: 'error', title: 'The spec file is empty' },
  DLC106: { name: 'unsupported-yaml', severity: 'error', title: 'A YAML feature dlc does not accept (custom tags, non-string keys)' },
  DLC200: { name: 'wrong-type', severity: 'error', title: 'A value has the wrong type' },
  DLC201: { name: 'unknown-key', severity: 'error', title: 'A key that this place does not accept' },
  DLC202: { name: 'missing-key', severity: 'error', title: 'A required key is missing' },
  DLC203: { name: 'invalid-value', severity: 'error', title: 'A value outside the allowed set' },
  DLC204: { name: 'out-of-range', severity: 'error', title: 'A number outside its allowed range' },
  DLC205: { name: 'bad-format', severity: 'error', title: 'A string that does not match its expected form' },
  DLC206: { name: 'unknown-op', severity: 'error', title: 'A step with an unknown op' },
  DLC207: { name: 'unsupported-version', severity: 'error', title: 'A spec format version this dlc does not read' },
  DLC208: { name: 'unknown-layer', severity: 'error', title: 'A model layer type dlc does not know' },
  DLC209: { name: 'bad-length', severity: 'error', title: 'A list or map with too few or too many entries' },
  DLC210: { name: 'conflicting-keys', severity: 'error', title: 'Keys that exclude each other' },
  DLC300: { name: 'unknown-var', severity: 'error', title: '`${vars.x}` names a variable that is not defined' },
  DLC301: { name: 'env-not-allowed', severity: 'error', title: '`${env.X}` names a variable not listed in vars.env_allow' },
  DLC302: { name: 'env-unset', severity: 'error', title: '`${env.X}` names an environment variable that is not set' },
  DLC303: { name: 'bad-interpolation', severity: 'error', title: 'A malformed `${...}` interpolation' },
  DLC304: { name: 'include-not-found', severity: 'error', title: 'An included file cannot be read' },
  DLC305: { name: 'include-cycle', severity: 'error', title: 'Files include each other in a cycle' },
  DLC306: { name: 'include-conflict', severity: 'warning', title: 'A value set by an include is set again with a different value' },
  DLC307: { name: 'var-cycle', severity: 'error', title: 'Variables refer to each other in a cycle' },
  DLC308: { name: 'duplicate-id', severity: 'error', title: 'A source and a step share one id' },
  DLC309: { name: 'unknown-ref', severity: 'error', title: 'A reference to a source or step that does not exist' },
  DLC310: { name: 'unknown-output', severity: 'error', title: 'A reference to an output the step does not have' },
  DLC311: { name: 'ref-kind', severity: 'error', title: 'A model where a table is expected, or the reverse' },
  DLC312: { name: 'invalid-id', severity: 'error', title: 'An id that is not of the form [a-z][a-z0-9_]*' },
  DLC400: { name: 'cycle', severity: 'error', title: 'Steps depend on each other in a cycle' },
  DLC401: { name: 'unknown-column', severity: 'error', title: 'A column that the input does not have' },
  DLC402: { name: 'column-type', severity: 'error', title: 'A column whose type does not fit its use' },
  DLC403: { name: 'sql-syntax', severity: 'error', title: 'A SQL expression or query that does not parse' },
  DLC404: { name: 'unknown-hp', severity: 'error', title: '`${hp.x}` names no entry of the search space' },
  DLC405: { name: 'unused-hp', severity: 'warning', title: 'A search-space entry that nothing uses' },
  DLC406: { name: 'hp-without-search', severity: 'error', title: '`${hp.x}` in a step that has no search' },
  DLC407: { name: 'unknown-metric', severity: 'error', title: 'A metric the step does not compute' },
  DLC408: { name: 'bad-space', severity: 'error', title: 'A search-space entry with impossible bounds or values' },
  DLC409: { name: 'split-fractions', severity: 'error', title: 'Split fractions that sum to more than 1' },
  DLC410: { name: 'source-missing', severity: 'warning', title: 'A data file that does not exist (an error when running)' },
  DLC411: { name: 'source-corrupt', severity: 'error', title: 'A data file that cannot be read as its format' },
  DLC412: { name: 'glob-empty', severity: 'warning', title: 'A glob that matches no files (an error when running)' },
  DLC413: { name: 'schema-mismatch', severity: 'error', title: 'Files of one source with different schemas' },
  DLC414: { name: 'bad-condition', severity: 'error', title: 'A `when:` condition on a parameter or value that cannot occur' },
  DLC415: { name: 'grid-not-enumerable', severity: 'error', title: 'A grid search over a continuous range' },
  DLC416: { name: 'hp-type', severity: 'error', title: 'A hyperparameter whose values do not fit where it is used' },
  DLC417: { name: 'unused-step', severity: 'warning', title: 'A step whose output nothing uses' },
  DLC418: { name: 'shape-mismatch', severity: 'error', title: 'Features whose shape does not fit the model input' },
  DLC419: { name: 'module-not-found', severity: 'error', title: 'A model module file that does not exist' },
  DLC420: { name: 'unknown-table', severity: 'error', title: 'A SQL query that reads a table not named in its inputs' },
  DLC421: { name: 'export-not-found', severity: 'error', title: 'A model module that does not export the factory the spec names' },
  DLC422: { name: 'export-not-a-function', severity: 'error', title: "A model module's export that is not a function" },
  DLC423: { name: 'hp-not-in-type', severity: 'error', title: "A search-space entry that the factory's hyperparameter type does not have" },
  DLC424: { name: 'hp-type-mismatch', severity: 'error', title: "A search-space entry with values the factory's hyperparameter type does not accept" },
  DLC425: { name: 'hp-missing-from-space', severity: 'error', title: "A required property of the factory's hyperparameter type that no search-space entry provides" },
  DLC426: { name: 'module-syntax', severity: 'error', title: 'A model module that is not valid TypeScript' },
  DLC427: { name: 'module-imports-tfjs', severity: 'warning', title: 'A model module that loads TensorFlow.js itself instead of using ctx.tf' },
  DLC428: { name: 'option-not-for-format', severity: 'error', title: "An export option that the export's format does not take" },
  DLC500: { name: 'workers-exceed-cores', severity: 'info', title: 'More local workers than cores' },
  DLC501: { name: 'costly-strategy', severity: 'warning', title: 'An explicit strategy the cost model estimates at more than twice the cost of the one it would choose' },
  DLC502: { name: 'infeasible-strategy', severity: 'error', title: 'A strategy that cannot run with these sizes and this memory' },
} as const satisfies Record<string, { name: string; severity: Severity; title: string }>;

export type Code = keyof typeof CODES;

export interface DiagnosticExtras {
  hint?: string;
  related?: RelatedLocation[];
  severity?: Severity;
}

/** The one factory: a code, where it points, and the message (which starts with the path into the document). */
export function diag(code: Code, at: Located, path: DocPath, message: string, extras: DiagnosticExtras = {}): Diagnostic {
  const p = formatPath(path);
  const d: Diagnostic = {
    code,
    severity: extras.severity ?? CODES[code].severity,
    message: p ? `${p}: ${message}` : message,
    file: at.file,
    range: at.range,
    path: p,
  };
  if (extras.hint) d.hint = extras.hint;
  if (extras.related && extras.related.length > 0) d.related = extras.related;
  return d;
}
