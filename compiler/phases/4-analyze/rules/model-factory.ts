import { dirname, relative } from 'node:path';
import { didYouMean } from '../../../diagnostics/did-you-mean.js';
import type { RelatedLocation } from '../../../diagnostics/types.js';
import type { FactoryReport, HpProbe, HpProperty, TsLocation } from '../../../host.js';
import type { DocPath } from '../../../source/doc-path.js';
import { typeScriptTypeOf } from '../../../spec/space-types.js';
import type { SpaceEntry, TrainStep } from '../../../spec/types.js';
import type { AnalysisContext } from '../context.js';
import { hpUses } from './hyperparameters.js';

/** A probe and where in the YAML the value it stands for is written. */
interface PlacedProbe {
  probe: HpProbe;
  path: DocPath;
}

const RANGES = ['int', 'logint', 'uniform', 'quniform', 'loguniform', 'normal'] as const;

/** The values an entry can give the factory: each listed value, any number for a range, nothing under `when:`. */
function probesOf(entry: SpaceEntry, path: DocPath): PlacedProbe[] {
  const out: PlacedProbe[] = [];
  for (const key of ['choice', 'grid'] as const) entry[key]?.forEach((value, i) => out.push({ probe: { value }, path: [...path, key, i] }));
  for (const key of RANGES) if (entry[key] !== undefined) out.push({ probe: { any: 'number' }, path: [...path, key] });
  if (entry.when !== undefined) out.push({ probe: { absent: true }, path: [...path, 'when'] });
  return out;
}

function describeProbe(probe: HpProbe): string {
  if ('absent' in probe) return 'be absent (it has a when: condition)';
  if ('any' in probe) return 'be any number in its range';
  return `be ${JSON.stringify(probe.value)}`;
}

/**
 * A `module:` model's factory is called as `factory(hp, ctx)` with the trial's whole configuration as
 * `hp`, so the search space and the factory's first parameter type must agree: every entry a property of
 * the type whose type accepts each of its values, every required property filled by an entry. Entries
 * that `${hp.x}` uses elsewhere in the step (a learning rate) may be left out of the type.
 */
export function checkModelFactories(ctx: AnalysisContext): void {
  const check = ctx.host.checkModelFactory?.bind(ctx.host);
  if (!check) return;
  const specDir = dirname(ctx.locations.root.path);
  const shown = (at: TsLocation | undefined) => (at ? `${relative(specDir, at.file) || at.file}:${at.range.start.line}` : 'the module');
  const note = (at: TsLocation | undefined, message: string): RelatedLocation[] => (at ? [{ file: at.file, range: at.range, message }] : []);

  for (const [id, step] of Object.entries(ctx.spec.steps ?? {})) {
    if (step.op !== 'train') continue;
    const model = step.model;
    if (model.module === undefined || model.export === undefined || model.layers !== undefined || model.command !== undefined) continue;
    if (!ctx.host.fileExists(model.module)) continue;
    const modelPath: DocPath = ['steps', id, 'model'];
    const spacePath: DocPath = ['steps', id, 'search', 'space'];
    const space = step.search?.space ?? {};
    const placed = Object.entries(space).map(([name, entry]) => ({ name, probes: probesOf(entry, [...spacePath, name]) }));
    const report: FactoryReport = check({ module: model.module, exportName: model.export, entries: placed.map((e) => ({ name: e.name, probes: e.probes.map((p) => p.probe) })) });
    const factory = `${model.export}`;

    switch (report.kind) {
      case 'syntax': {
        const first = report.errors[0]!;
        ctx.report('DLC426', [...modelPath, 'module'], `${shown(first.at)}: ${first.message}${report.errors.length > 1 ? ` (and ${report.errors.length - 1} more)` : ''}`, {
          related: report.errors.slice(0, 5).flatMap((e) => note(e.at, e.message)),
        });
        continue;
      }
      case 'export-not-found':
        ctx.report('DLC421', [...modelPath, 'export'], `the module has no export '${factory}'${didYouMean(factory, report.exports)}`, {
          hint: report.exports.length ? `its exports: ${report.exports.join(', ')}` : 'it exports nothing: write `export function ' + factory + '(hp, ctx) { ... }`',
        });
        continue;
      case 'not-a-function':
        ctx.report('DLC422', [...modelPath, 'export'], `'${factory}' is not a function (${report.type.startsWith('a ') ? `it is ${report.type}` : `its type is ${report.type}`}); the factory is (hp, ctx) => tf.LayersModel`, {
          related: note(report.declaredAt, `'${factory}' is declared here`),
        });
        continue;
      case 'factory':
        break;
    }

    for (const i of report.tfjsImports) {
      ctx.report('DLC427', [...modelPath, 'module'], `${shown(i.at)} imports '${i.specifier}' at run time; build the model with ctx.tf instead`, {
        related: note(i.at, `the import of ${i.specifier}`),
        hint: 'a second copy of TensorFlow.js is a second engine whose tensors the worker cannot train; `import type` is fine',
      });
    }

    const used = new Set(hpUses(stepWithoutSearch(step), ['steps', id]).map((u) => u.name));
    const parameter = report.parameter;
    const typeName = parameter ? `${parameter.name} (${shown(parameter.declaredAt)})` : undefined;
    const typeNote = parameter ? note(parameter.declaredAt, `${parameter.name}, the type of ${factory}'s first parameter`) : note(report.declaredAt, `${factory} is declared here`);

    for (const [index, entry] of report.entries.entries()) {
      const entryPath = [...spacePath, entry.name];
      const spaceEntry = space[entry.name]!;
      if (!entry.property) {
        if (used.has(entry.name)) continue;
        const why = typeName ? `is not a property of ${typeName}, the type of ${factory}'s first parameter` : `is not used: ${factory} takes no parameters and no \${hp.${entry.name}} uses it`;
        ctx.report('DLC423', entryPath, `search-space entry '${entry.name}' ${why}`, {
          prefer: 'key',
          related: typeNote,
          hint: typeName ? `add \`${entry.name}${spaceEntry.when !== undefined ? '?' : ''}: ${typeScriptTypeOf(spaceEntry)}\` to ${parameter!.name}, or remove the entry` : `declare it: ${factory}(hp: { ${entry.name}: ${typeScriptTypeOf(spaceEntry)} }, ctx)`,
        });
        continue;
      }
      if (entry.rejected.length === 0) continue;
      const probes = placed[index]!.probes;
      const first = probes[entry.rejected[0]!.probe]!;
      const values = entry.rejected.map((r) => describeProbe(probes[r.probe]!.probe).replace(/^be /, '')).join(', ');
      ctx.report('DLC424', first.path, `search-space entry '${entry.name}' can ${describeProbe(first.probe)}${entry.rejected.length > 1 ? ` (also ${values.split(', ').slice(1).join(', ')})` : ''}, which ${propertyName(parameter?.name, entry.property)} does not accept: ${entry.rejected[0]!.reason}`, {
        related: note(entry.property.declaredAt, `${entry.property.name}: ${entry.property.type}`),
        hint: spaceEntry.when !== undefined && 'absent' in first.probe ? `make it optional: ${entry.property.name}?: ${entry.property.type}` : `make the type accept ${typeScriptTypeOf(spaceEntry)}, or change the entry's values`,
      });
    }

    for (const prop of report.missing) {
      const at: DocPath = step.search ? spacePath : [...modelPath, 'export'];
      ctx.report('DLC425', at, `${typeName ?? factory} requires '${prop.name}' (${prop.type}), but ${step.search ? 'the search space has no entry for it' : 'this step has no search space'}: ${factory} would get undefined`, {
        prefer: 'key',
        related: note(prop.declaredAt, `${prop.name} is declared here`),
        hint: `add a search-space entry '${prop.name}', or make the property optional (${prop.name}?: ${prop.type})`,
      });
    }
  }
}

function propertyName(typeName: string | undefined, prop: HpProperty): string {
  return typeName ? `${typeName}['${prop.name}'] (${prop.type})` : `the property ${prop.name} (${prop.type})`;
}

/** The step as `${hp.x}` can use it: the search space defines parameters rather than using them. */
function stepWithoutSearch(step: TrainStep): Omit<TrainStep, 'search'> {
  const { search, ...rest } = step;
  void search;
  return rest;
}
