import { type Code, type DiagnosticExtras, diag } from '../../diagnostics/codes.js';
import type { Diagnostic } from '../../diagnostics/types.js';
import type { CompilerHost, SourceStats } from '../../host.js';
import type { DocPath } from '../../source/doc-path.js';
import type { Located, LocationTable } from '../../source/locations.js';
import type { TableSchema } from '../../spec/columns.js';
import type { Spec } from '../../spec/types.js';
import type { OutputKind, Reference } from '../3-resolve/references.js';

/** Why the compiler is running: `run` turns "cannot check" warnings about data into errors. */
export type CompileMode = 'lint' | 'plan' | 'run';

export interface OutputInfo {
  kind: OutputKind;
  /** Undefined when it cannot be known before running; column checks downstream are then skipped. */
  schema?: TableSchema;
}

export interface NodeInfo {
  id: string;
  kind: 'source' | 'step';
  op: string;
  inputs: Reference[];
  outputs: Map<string, OutputInfo>;
  stats?: SourceStats;
}

export interface AnalysisContext {
  spec: Spec;
  locations: LocationTable;
  host: CompilerHost;
  mode: CompileMode;
  references: Reference[];
  nodes: Map<string, NodeInfo>;
  order: string[];
  waves: string[][];
  /** Metrics each train step computes (loss, val_loss, accuracy, ...). */
  metrics: Map<string, string[]>;
  diagnostics: Diagnostic[];
  /** The references a step makes, in document order. */
  inputsOf(stepId: string): Reference[];
  report(code: Code, path: DocPath, message: string, extras?: DiagnosticExtras & { at?: Located; prefer?: 'key' | 'value' }): void;
  inputSchema(stepId: string, field: DocPath): TableSchema | undefined;
}

export function createContext(spec: Spec, locations: LocationTable, host: CompilerHost, mode: CompileMode, references: Reference[]): AnalysisContext {
  // References grouped by the step that makes them, so looking up a step's inputs does not scan them all
  // (which made the column flow quadratic in the number of steps). Rebuilt if the list is replaced or grows.
  let byStep = new Map<string, Reference[]>();
  let indexed: { list: Reference[]; length: number } | undefined;
  const inputsOf = (stepId: string): Reference[] => {
    if (indexed?.list !== ctx.references || indexed.length !== ctx.references.length) {
      byStep = new Map();
      for (const r of ctx.references) {
        const list = byStep.get(r.step);
        if (list) list.push(r);
        else byStep.set(r.step, [r]);
      }
      indexed = { list: ctx.references, length: ctx.references.length };
    }
    return byStep.get(stepId) ?? [];
  };
  const ctx: AnalysisContext = {
    spec, locations, host, mode, references,
    nodes: new Map(), order: [], waves: [], metrics: new Map(), diagnostics: [],
    inputsOf: (stepId) => [...inputsOf(stepId)],
    report(code, path, message, extras = {}) {
      const at = extras.at ?? locations.locate(path, extras.prefer ?? 'value');
      ctx.diagnostics.push(diag(code, at, path, message, extras));
    },
    inputSchema(stepId, field) {
      const ref = inputsOf(stepId).find((r) => r.path.length === field.length + 2 && field.every((f, i) => r.path[i + 2] === f));
      if (!ref) return undefined;
      return ctx.nodes.get(ref.target)?.outputs.get(ref.output)?.schema;
    },
  };
  return ctx;
}

export type Rule = (ctx: AnalysisContext) => void;
