import type { AnalysisContext } from '../context.js';

/** A model is defined one way; a `module:` model must exist and name its factory (rules/model-factory.ts checks its types). */
export function checkModelModules(ctx: AnalysisContext): void {
  for (const [id, step] of Object.entries(ctx.spec.steps ?? {})) {
    if (step.op !== 'train') continue;
    const m = step.model;
    const kinds = (['layers', 'module', 'command'] as const).filter((k) => m[k] !== undefined);
    if (kinds.length === 0) ctx.report('DLC202', ['steps', id, 'model'], 'a model needs one of layers, module or command', { prefer: 'key' });
    if (kinds.length > 1) ctx.report('DLC210', ['steps', id, 'model', kinds[1]!], `a model is defined one way: both ${kinds[0]} and ${kinds[1]} are given`, { prefer: 'key' });
    if (m.module !== undefined) {
      if (!ctx.host.fileExists(m.module)) ctx.report('DLC419', ['steps', id, 'model', 'module'], `model module not found: ${m.module}`);
      if (m.export === undefined) ctx.report('DLC202', ['steps', id, 'model'], `missing required key 'export' (the factory's exported name) for a module model`, { prefer: 'key' });
    }
    if (m.command === undefined) {
      for (const key of ['env', 'workdir', 'persistent'] as const) {
        if (m[key] !== undefined) ctx.report('DLC201', ['steps', id, 'model', key], `'${key}' applies to a command model (model: {command: [...]}) only`, { prefer: 'key' });
      }
    }
    if ((m.layers !== undefined || m.module !== undefined) && m.input_shape === undefined) {
      const kind = m.layers !== undefined ? 'a layers model' : "a module model (the factory's ctx.inputShape)";
      ctx.report('DLC202', ['steps', id, 'model'], `missing required key 'input_shape' for ${kind}`, { prefer: 'key', hint: 'e.g. input_shape: [28, 28, 1]' });
    }
  }
}
