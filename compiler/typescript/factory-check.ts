/**
 * Lint-time type information about a `module:` model's factory, through the TypeScript compiler that
 * ts-morph bundles. Only the module and its relative imports are loaded, into an in-memory project, so a
 * check costs a parse of a few small files and never of a package's declarations: an import from a package
 * is an unresolved module whose types are `any`, which is all the hyperparameter check needs.
 *
 * Whether a value fits the parameter type is asked of the checker itself: each probe becomes one line of a
 * generated file (`const __p3: __Hp["units"] = 8;`) and the errors on those lines are the answer, so
 * literal unions, tuples, optional properties and index signatures all mean what they mean in TypeScript.
 */
import { dirname, relative } from 'node:path';
import { type ExportedDeclarations, Node, Project, type SourceFile, ts, type Type } from 'ts-morph';
import type { EntryCheck, FactoryQuery, FactoryReport, HpProbe, HpProperty, HpTypeInfo, TsLocation } from '../host.js';
import { type FileAccess, localModuleGraph } from './local-modules.js';

const PROBE_FILE = '__dlc_factory_probe__.ts';

export function checkModelFactory(query: FactoryQuery, files: FileAccess): FactoryReport {
  const project = new Project({
    useInMemoryFileSystem: true,
    compilerOptions: {
      strict: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      allowImportingTsExtensions: true,
      allowJs: true,
      noEmit: true,
      skipLibCheck: true,
      // The smallest library that declares Array and the utility types the probes use; loading ES2022's
      // dozens of files would triple the time of a check for nothing a hyperparameter type needs.
      lib: ['lib.es5.d.ts'],
      types: [],
    },
  });
  const graph = localModuleGraph(ts, query.module, files);
  for (const file of graph) project.createSourceFile(file.path, file.text, { overwrite: true });
  const entry = project.getSourceFile(query.module);
  if (entry === undefined) return { kind: 'syntax', errors: [{ message: 'the module cannot be read', at: { file: query.module, range: rangeOf(undefined, 0, 0) } }] };

  const program = project.getProgram().compilerObject;
  const syntax = graph.flatMap((f) => {
    const sf = program.getSourceFile(f.path);
    return sf ? program.getSyntacticDiagnostics(sf).map((d) => ({ message: ts.flattenDiagnosticMessageText(d.messageText, ' '), at: locate(sf, d.start ?? 0, (d.start ?? 0) + (d.length ?? 0)) })) : [];
  });
  if (syntax.length > 0) return { kind: 'syntax', errors: syntax };

  const exported = entry.getExportedDeclarations();
  const declarations = exported.get(query.exportName);
  if (declarations === undefined || declarations.length === 0) return { kind: 'export-not-found', exports: [...exported.keys()].sort() };
  const value = declarations.find((d) => !Node.isInterfaceDeclaration(d) && !Node.isTypeAliasDeclaration(d));
  if (value === undefined) return { kind: 'not-a-function', type: 'a type, not a value', declaredAt: nodeLocation(declarations[0]!) };
  const signatures = value.getType().getCallSignatures();
  const signature = signatures.at(-1);
  if (signature === undefined) return { kind: 'not-a-function', type: value.getType().getText(value), declaredAt: nodeLocation(value) };

  const tfjsImports = graph.flatMap((f) => tfjsImportsOf(f.path, f.text, project.getSourceFile(f.path)));
  const hpSymbol = signature.getParameters()[0];
  if (hpSymbol === undefined) {
    return { kind: 'factory', declaredAt: nodeLocation(value), entries: query.entries.map((e) => ({ name: e.name, rejected: [] })), missing: [], tfjsImports };
  }
  const hpType = hpSymbol.getTypeAtLocation(value).getNonNullableType();
  const parameter = describeParameter(hpSymbol.getValueDeclaration(), hpType);
  if (!parameter.checkable) {
    return { kind: 'factory', declaredAt: nodeLocation(value), parameter, entries: query.entries.map((e) => ({ name: e.name, rejected: [] })), missing: [], tfjsImports };
  }

  const indexType = hpType.getStringIndexType();
  const names = new Set(query.entries.map((e) => e.name));
  const entries: EntryCheck[] = query.entries.map((e) => {
    const symbol = hpType.getProperty(e.name);
    if (symbol) return { name: e.name, property: describeProperty(symbol, value), rejected: [] };
    if (indexType) return { name: e.name, property: { name: e.name, type: indexType.getText(value), optional: true }, rejected: [] };
    return { name: e.name, rejected: [] };
  });
  const required = hpType
    .getProperties()
    .filter((p) => !names.has(p.getName()) && !p.isOptional())
    .map((p) => describeProperty(p, value));

  // One probe per line: the values of each entry the type has, and `undefined` for each required property
  // that no entry fills (a `number | undefined` property is happy to get nothing).
  const lines: { entry?: number; probe?: number; missing?: number; text: string }[] = [];
  entries.forEach((check, i) => {
    if (!check.property) return;
    query.entries[i]!.probes.forEach((probe, p) => lines.push({ entry: i, probe: p, text: `${JSON.stringify(check.name)}] = ${probeExpression(probe)};` }));
  });
  required.forEach((prop, m) => lines.push({ missing: m, text: `${JSON.stringify(prop.name)}] = undefined;` }));
  const missingAccepted = new Set<number>();
  if (lines.length > 0) {
    const dir = dirname(query.module);
    let specifier = relative(dir, query.module).split('\\').join('/');
    if (!specifier.startsWith('.')) specifier = `./${specifier}`;
    const header = [
      `import type * as __module from ${JSON.stringify(specifier)};`,
      `type __Hp = NonNullable<Parameters<(typeof __module)[${JSON.stringify(query.exportName)}]>[0]>;`,
      'declare const __number: number;',
    ];
    const text = [...header, ...lines.map((l, i) => `const __p${i}: __Hp[${l.text}`)].join('\n');
    const probePath = `${dir}/${PROBE_FILE}`;
    project.createSourceFile(probePath, text, { overwrite: true });
    const checked = project.getProgram().compilerObject;
    const sf = checked.getSourceFile(probePath)!;
    const rejectedLines = new Map<number, string>();
    for (const d of checked.getSemanticDiagnostics(sf)) {
      const line = sf.getLineAndCharacterOfPosition(d.start ?? 0).line - header.length;
      if (line >= 0 && !rejectedLines.has(line)) rejectedLines.set(line, ts.flattenDiagnosticMessageText(d.messageText, ' '));
    }
    lines.forEach((l, i) => {
      const reason = rejectedLines.get(i);
      if (l.entry !== undefined && reason !== undefined) entries[l.entry]!.rejected.push({ probe: l.probe!, reason });
      if (l.missing !== undefined && reason === undefined) missingAccepted.add(l.missing);
    });
  }
  const missing = required.filter((_, m) => !missingAccepted.has(m));
  return { kind: 'factory', declaredAt: nodeLocation(value), parameter, entries, missing, tfjsImports };
}

function probeExpression(probe: HpProbe): string {
  if ('absent' in probe) return 'undefined';
  if ('any' in probe) return '__number';
  return JSON.stringify(probe.value) ?? 'undefined';
}

function describeParameter(declaration: Node | undefined, type: Type): HpTypeInfo {
  const checkable = !type.isAny() && !type.isUnknown();
  const typeNode = declaration && Node.isParameterDeclaration(declaration) ? declaration.getTypeNode() : undefined;
  const name = typeNode ? typeNode.getText() : type.getText(declaration);
  const symbol = type.getAliasSymbol() ?? type.getSymbol();
  const typeDeclaration = symbol?.getDeclarations().find((d) => Node.isInterfaceDeclaration(d) || Node.isTypeAliasDeclaration(d));
  const at = typeDeclaration ?? typeNode ?? declaration;
  return { name, checkable, ...(at ? { declaredAt: nodeLocation(at) } : {}) };
}

function describeProperty(symbol: import('ts-morph').Symbol, at: Node): HpProperty {
  const declaration = symbol.getDeclarations()[0];
  const type = symbol.getTypeAtLocation(declaration ?? at);
  return { name: symbol.getName(), type: type.getText(declaration ?? at), optional: symbol.isOptional(), ...(declaration ? { declaredAt: nodeLocation(declaration) } : {}) };
}

/**
 * Imports of `@tensorflow/*` that survive transpilation: a value import would load a second copy of
 * TensorFlow.js next to the worker's, a second engine whose tensors the worker's backend does not own.
 * Type-only imports (and imports only used as types) are erased and harmless.
 */
function tfjsImportsOf(path: string, text: string, sf: SourceFile | undefined): { specifier: string; at: TsLocation }[] {
  if (!text.includes('@tensorflow/')) return [];
  const emitted = ts.transpileModule(text, { fileName: path, compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
  const kept = ts.preProcessFile(emitted, true, true).importedFiles.map((f) => f.fileName).filter((s) => s.startsWith('@tensorflow/'));
  return [...new Set(kept)].map((specifier) => {
    const literal = sf?.getDescendants().find((n) => Node.isStringLiteral(n) && n.getLiteralValue() === specifier);
    return { specifier, at: literal ? nodeLocation(literal) : { file: path, range: rangeOf(undefined, 0, 0) } };
  });
}

function nodeLocation(node: Node | ExportedDeclarations): TsLocation {
  const sf = node.getSourceFile().compilerNode;
  // A declaration's name is what an editor jumps to; the whole node would start at its doc comment.
  const named = Node.hasName(node) ? (node as Node & { getNameNode(): Node }).getNameNode() : node;
  return locate(sf, named.getStart(), named.getEnd());
}

function locate(sf: ts.SourceFile, start: number, end: number): TsLocation {
  return { file: sf.fileName, range: rangeOf(sf, start, end) };
}

function rangeOf(sf: ts.SourceFile | undefined, start: number, end: number): TsLocation['range'] {
  const at = (offset: number) => {
    if (!sf) return { line: 1, col: 1, offset: 0 };
    const lc = sf.getLineAndCharacterOfPosition(offset);
    return { line: lc.line + 1, col: lc.character + 1, offset };
  };
  return { start: at(start), end: at(end) };
}
