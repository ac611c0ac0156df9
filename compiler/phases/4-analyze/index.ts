import type { Diagnostic } from '../../diagnostics/types.js';
import type { CompilerHost } from '../../host.js';
import type { LocationTable } from '../../source/locations.js';
import type { Spec } from '../../spec/types.js';
import type { Reference } from '../3-resolve/references.js';
import { type AnalysisContext, type CompileMode, createContext } from './context.js';
import { flowColumns } from './rules/column-flow.js';
import { checkExportOptions } from './rules/exports.js';
import { buildGraph } from './rules/graph.js';
import { checkHyperparameters } from './rules/hyperparameters.js';
import { checkModelFactories } from './rules/model-factory.js';
import { checkModelModules } from './rules/model-module.js';
import { checkObjectives } from './rules/objectives.js';
import { checkSearchSpaces } from './rules/search-space.js';
import { inspectSources } from './rules/sources.js';
import { checkSplitFractions } from './rules/splits.js';
import { checkUnusedSteps } from './rules/unused.js';

export type { AnalysisContext, CompileMode, NodeInfo, OutputInfo } from './context.js';

/** Phase 4: the DAG, column schemas through it, and the semantic rules, each a function that reports. */
export function analyze(spec: Spec, locations: LocationTable, references: Reference[], host: CompilerHost, mode: CompileMode): { analysis: AnalysisContext; diagnostics: Diagnostic[] } {
  const ctx = createContext(spec, locations, host, mode, references);
  if (buildGraph(ctx)) {
    inspectSources(ctx);
    flowColumns(ctx);
  }
  for (const rule of [checkSearchSpaces, checkHyperparameters, checkObjectives, checkSplitFractions, checkModelModules, checkModelFactories, checkExportOptions, checkUnusedSteps]) rule(ctx);
  return { analysis: ctx, diagnostics: ctx.diagnostics };
}
