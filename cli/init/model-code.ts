/**
 * The TypeScript model module of a template, generated with ts-morph rather than copied: its
 * `Hyperparameters` interface is derived from the search space of the train step that names the module,
 * so the two agree by construction (the same rule `dlc lint` checks afterwards), and the printer and
 * formatter make the file well-formed whatever the template's body looks like.
 */
import { IndentationText, Project, QuoteKind, ts } from 'ts-morph';
import { typeScriptTypeOf } from '../../compiler/spec/space-types.js';
import type { SpaceEntry, TrainStep } from '../../compiler/spec/types.js';

export interface ModelModuleRequest {
  /** The template's spec, parsed. */
  spec: { steps?: Record<string, unknown> };
  specFile: string;
  /** The module's path relative to the project (`models/classifier.ts`). */
  modulePath: string;
  /** The factory's statements. */
  body: string;
}

/** The train step whose `model.module` is this module, and its id. */
function stepOf(spec: ModelModuleRequest['spec'], modulePath: string): { id: string; step: TrainStep } {
  const wanted = modulePath.replace(/^\.\//, '');
  for (const [id, step] of Object.entries(spec.steps ?? {})) {
    const s = step as Partial<TrainStep>;
    if (s.op === 'train' && typeof s.model?.module === 'string' && s.model.module.replace(/^\.\//, '') === wanted) return { id, step: s as TrainStep };
  }
  throw new Error(`no train step of the template's spec has model.module ${modulePath}`);
}

function describeEntry(entry: SpaceEntry): string {
  const { when, ...distribution } = entry;
  const [kind, values] = Object.entries(distribution)[0] ?? ['?', []];
  const shown = `${kind}: ${JSON.stringify(values).replace(/,/g, ', ')}`;
  return when === undefined ? shown : `${shown}, only when ${Object.entries(when).map(([k, v]) => `${k} is ${JSON.stringify(v)}`).join(' and ')}`;
}

export function generateModelModule(request: ModelModuleRequest): string {
  const { id, step } = stepOf(request.spec, request.modulePath);
  const factory = step.model.export ?? 'build';
  const space = step.search?.space ?? {};
  const project = new Project({
    useInMemoryFileSystem: true,
    manipulationSettings: { indentationText: IndentationText.TwoSpaces, quoteKind: QuoteKind.Single, useTrailingCommas: true },
  });
  const file = project.createSourceFile(request.modulePath, '');
  file.addStatements((writer) =>
    writer.writeLine('/**')
      .writeLine(` * The model of the \`${id}\` step in ${request.specFile}: dlc calls ${factory}(hp, ctx) once per trial, in`)
      .writeLine(' * the worker that trains it, and trains, checkpoints and exports what it returns.')
      .writeLine(' */'),
  );
  file.addImportDeclarations([
    { isTypeOnly: true, namespaceImport: 'tfc', moduleSpecifier: '@tensorflow/tfjs-core' },
    { isTypeOnly: true, namespaceImport: 'tfl', moduleSpecifier: '@tensorflow/tfjs-layers' },
  ]);
  file.addInterface({
    name: 'Hyperparameters',
    isExported: true,
    docs: [`One configuration of the search space of \`${id}\` in ${request.specFile}, one property per entry.\n\`dlc lint\` checks that the two agree: add an entry there, add its property here.`],
    properties: Object.entries(space).map(([name, entry]) => ({
      name: /^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name),
      type: typeScriptTypeOf(entry),
      hasQuestionToken: entry.when !== undefined,
      docs: [describeEntry(entry)],
    })),
  });
  file.addInterface({
    name: 'ModelContext',
    isExported: true,
    docs: ['What dlc passes the factory besides the hyperparameters.'],
    properties: [
      {
        name: 'tf',
        type: 'typeof tfc & typeof tfl',
        docs: [
          "The worker's TensorFlow.js. Build the model with it and never import tfjs at run time: a second copy\nof tfjs would be a second engine, and the worker could not train, save or move a model made by it.\n(`import type`, as above, disappears when the module is compiled.)",
        ],
      },
      { name: 'inputShape', type: 'number[]', docs: [`The model's input without the batch dimension: \`input_shape\` in ${request.specFile}.`] },
      { name: 'seed', type: 'number', docs: ["The trial's seed. Unseeded initialisers already draw from it, so the same seed gives the same model."] },
    ],
  });
  file.addFunction({
    name: factory,
    isExported: true,
    parameters: [
      { name: 'hp', type: 'Hyperparameters' },
      { name: 'ctx', type: 'ModelContext' },
    ],
    returnType: 'tfl.LayersModel',
    statements: request.body.trim(),
  });
  file.formatText({ indentSize: 2, convertTabsToSpaces: true, semicolons: ts.SemicolonPreference.Insert });
  const problems = project.getProgram().compilerObject.getSyntacticDiagnostics(file.compilerNode);
  if (problems.length > 0) throw new Error(`generated ${request.modulePath} does not parse: ${ts.flattenDiagnosticMessageText(problems[0]!.messageText, ' ')}`);
  return file.getFullText();
}
