import type { SourceToInspect } from '../../../host.js';
import type { TableSchema } from '../../../spec/columns.js';
import type { SourceSpec } from '../../../spec/types.js';
import type { AnalysisContext } from '../context.js';

/**
 * Each source's schema and statistics come from the files' own metadata, through the host. A declared
 * `schema:` wins (it is how a user pins types). Missing data is a warning when linting — the data may
 * live only where the pipeline runs — and an error when running.
 */
export function inspectSources(ctx: AnalysisContext): void {
  for (const [id, src] of Object.entries(ctx.spec.sources ?? {})) {
    const declared: TableSchema | undefined = src.schema ? Object.entries(src.schema).map(([name, type]) => ({ name, type, nullable: true })) : undefined;
    const node = { id, kind: 'source' as const, op: src.format, inputs: [], outputs: new Map([['default', { kind: 'table' as const, schema: declared }]]) };
    ctx.nodes.set(id, node);
    if (!ctx.host.inspectSource) continue;
    const result = ctx.host.inspectSource(toInspect(src));
    const fileField = src.format === 'idx' ? 'images' : 'path';
    const path = ['sources', id, fileField];
    if (result.ok) {
      Object.assign(node, { stats: result.stats });
      if (!declared && result.stats.schema) node.outputs.set('default', { kind: 'table', schema: result.stats.schema });
      continue;
    }
    const p = result.problem;
    const severity = ctx.mode === 'run' ? 'error' : undefined;
    const fieldOf = src.format === 'idx' && 'labels' in src && src.labels === p.file ? ['sources', id, 'labels'] : path;
    switch (p.kind) {
      case 'missing':
        ctx.report('DLC410', fieldOf, p.message, severity ? { severity } : { hint: 'columns read from this source are not checked' });
        break;
      case 'glob-empty':
        ctx.report('DLC412', fieldOf, p.message, severity ? { severity } : {});
        break;
      case 'corrupt':
        ctx.report('DLC411', fieldOf, p.message);
        break;
      case 'schema-mismatch':
        ctx.report('DLC413', fieldOf, p.message);
        break;
    }
  }
}

function toInspect(src: SourceSpec): SourceToInspect {
  switch (src.format) {
    case 'idx':
      return { format: 'idx', images: src.images, ...(src.labels !== undefined ? { labels: src.labels } : {}) };
    case 'csv':
      return { format: 'csv', path: src.path, ...(src.delimiter !== undefined ? { delimiter: src.delimiter } : {}), ...(src.header !== undefined ? { header: src.header } : {}) };
    default:
      return { format: src.format, path: src.path };
  }
}
