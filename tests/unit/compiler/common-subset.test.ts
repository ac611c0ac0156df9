import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { composeCommonSubset, plainScalar } from '../../../compiler/phases/1-parse/common-subset.js';
import { parse, parseWithYamlLibrary, type ParseResult } from '../../../compiler/phases/1-parse/index.js';
import { type DocPath, formatPath } from '../../../compiler/source/doc-path.js';
import { SourceFile } from '../../../compiler/source/source-file.js';
import { ROOT, scratchDir } from '../../helpers.js';

/**
 * Phase 1 reads most specs with its own composer for the common subset of YAML and hands everything else
 * to the yaml library. The two must never disagree: wherever the subset composer answers, its values
 * (types, key order, `-0`, NaN) and the range of every node and key are the library's, and the library has
 * nothing to report; everywhere else it must decline.
 */

function* pathsOf(value: unknown, path: DocPath = []): Generator<DocPath> {
  yield path;
  if (Array.isArray(value)) for (let i = 0; i < value.length; i++) yield* pathsOf(value[i], [...path, i]);
  else if (value !== null && typeof value === 'object') for (const k of Object.keys(value)) yield* pathsOf((value as Record<string, unknown>)[k], [...path, k]);
}

function assertSameResult(actual: Pick<ParseResult, 'value' | 'locations'>, expected: ParseResult, text: string): void {
  const context = () => `\n--- input ---\n${text.slice(0, 3000)}`;
  assert.deepStrictEqual(actual.value, expected.value, `values differ${context()}`);
  assert.equal(JSON.stringify(actual.value), JSON.stringify(expected.value), `key order differs${context()}`);
  if (expected.value === undefined) return;
  for (const p of pathsOf(expected.value)) {
    assert.deepStrictEqual(actual.locations.get(p), expected.locations.get(p), `location of ${formatPath(p) || '(root)'} differs${context()}`);
  }
}

/** Runs both composers; throws when they disagree, says whether the subset composer answered. */
function differential(text: string, file = '/spec.yaml'): 'same' | 'declined' {
  const source = new SourceFile(file, text);
  const full = parseWithYamlLibrary(source);
  const fast = composeCommonSubset(source);
  if (!fast) return 'declined';
  assert.deepEqual(full.diagnostics, [], `the subset composer accepted a document the library reports on\n--- input ---\n${text}`);
  assertSameResult(fast, full, text);
  return 'same';
}

function yamlFilesUnder(dir: string): string[] {
  const out: string[] = [];
  (function walk(d: string) {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(name)) out.push(p);
    }
  })(dir);
  return out;
}

test('examples, templates and golden inputs: read by the subset composer exactly as by the library', async () => {
  const files = [...yamlFilesUnder(join(ROOT, 'specs')), ...yamlFilesUnder(join(ROOT, 'golden-tests')), ...(existsSync(join(ROOT, 'templates')) ? yamlFilesUnder(join(ROOT, 'templates')) : [])];
  assert.ok(files.length > 50, `found only ${files.length} YAML files`);
  const declined: string[] = [];
  for (const f of files) {
    if (differential(readFileSync(f, 'utf8'), f) === 'declined') declined.push(relative(ROOT, f));
  }
  // Only inputs that are about YAML-level problems (or that use what the subset leaves out) may go to the library.
  // Templates are the raw text `dlc init` fills in, not specs as users lint them: they may go either way.
  assert.deepEqual(
    declined.filter((f) => !/^golden-tests\/invalid\/(custom-tag|duplicate-key|empty-file|multiple-documents|yaml-syntax-[^/]+)\//.test(f) && !f.startsWith('templates/')),
    [],
    'these inputs were expected to stay on the fast path',
  );

  // The spec the lint benchmark measures.
  const { generateSpec } = (await import(pathToFileURL(join(ROOT, 'bench', 'lib', 'gen-spec.mjs')).href)) as { generateSpec: (dir: string, steps: number) => { file: string } };
  const dir = scratchDir('dlc-subset-');
  try {
    const gen = generateSpec(dir, 120);
    assert.equal(differential(readFileSync(gen.file, 'utf8'), gen.file), 'same');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// ---------------------------------------------------------------------------------------------------------
// Generated documents: mostly inside the subset, in every layout the subset claims to handle.

const PLAIN = [
  'x', 'relu', 'a b', "it's", 'a:b', 'a#b', 'x,y', 'f(x)', 'amount > 0 AND qty BETWEEN 1 AND 9', "category IN ('a', 'b') OR flag",
  '${hp.units}', '${vars.x}/y', 'http://host/path', 'a  b', 'é', '漢字', '🙂', '__proto__', 'constructor', 'x]', 'x}', 'x{y}', '-x', '--',
  '0', '-0', '+0', '-1', '+1', '007', '0o17', '0o8', '0x1F', '0xg', '1.5', '1.', '.5', '-.5', '1e3', '1E-3', '+1.5e+3', '1e', '.e1',
  '.inf', '-.Inf', '+.INF', '.nan', '.NaN', '.NAN', 'NaN', 'inf', '~', 'null', 'Null', 'NULL', 'nULL', 'true', 'True', 'TRUE', 'tRUE',
  'false', 'False', 'no', 'yes', 'on', 'off', 'y', 'n', '12:30', '1_000', '0b101', '99999999999999999999999', '1e309', '2001-12-14',
];
/** Plain scalars that survive inside flow collections (no flow indicators, no `:`). */
const FLOW_PLAIN = PLAIN.filter((s) => !/[,[\]{}:]/.test(s));
const QUOTED = [
  "'x'", "''", "'it''s'", "'a: b'", "'# not a comment'", "'[x]'", "'1'", "'true'", "' lead'", "'${hp.x}'",
  '"x"', '""', '"a\\tb"', '"\\u00e9"', '"x\\"y"', '"\\x41\\x42"', '"\\U0001F642"', '"a: b"', '"\\\\"', '"\\0\\a\\b\\e\\f\\n\\r\\v\\N\\_\\L\\P\\ \\/"', '"1"',
];
const KEYS = ['a', 'op', 'from', 'x_y', 'a-b', 'a b', 'a.b', 'a/b', '1', '1.0', '0x10', '-1', 'true', 'null', '~', '-k', '__proto__', 'é', "'q k'", '"d k"', "'1'", '""', "''", "'a: b'"];
const TRAIL = ['', ' ', '   ', ' # c', '  #c: d', ' #', ' # [x'];

interface GapLine { comment: boolean; indentDelta: number }
type Value =
  | { t: 'scalar'; text: string; trail: string }
  | { t: 'flow'; text: string; trail: string }
  | { t: 'empty'; trail: string }
  | { t: 'block'; block: Block; lineComment: string; step: number; sameIndent: boolean };
interface Entry { key: string; gap: GapLine[]; value: Value; spaces: number }
interface Item { gap: GapLine[]; value: Value; dashSpaces: number; compact: boolean }
type Block = { t: 'map'; entries: Entry[] } | { t: 'seq'; items: Item[] };

/** Blank and comment lines between entries: often none; comments mostly at the indentation of what follows. */
const gapArb: fc.Arbitrary<GapLine[]> = fc.oneof(
  { arbitrary: fc.constant<GapLine[]>([]), weight: 2 },
  {
    arbitrary: fc.array(
      fc.record({ comment: fc.boolean(), indentDelta: fc.oneof({ arbitrary: fc.constant(0), weight: 4 }, { arbitrary: fc.integer({ min: -4, max: 4 }), weight: 1 }) }),
      { minLength: 1, maxLength: 2 },
    ),
    weight: 1,
  },
);

const flowArb: fc.Arbitrary<string> = fc.letrec<{ node: string; seq: string; map: string }>((tie) => ({
  node: fc.oneof({ depthSize: 'small', maxDepth: 3 }, fc.constantFrom(...FLOW_PLAIN, ...QUOTED), tie('seq'), tie('map')),
  seq: fc
    .record({ items: fc.array(tie('node'), { maxLength: 4 }), pad: fc.constantFrom('', ' '), sep: fc.constantFrom(',', ', ', ' , ', ',  '), trailing: fc.boolean() })
    .map(({ items, pad, sep, trailing }) => `[${pad}${items.join(sep)}${trailing && items.length > 0 ? ',' : ''}${pad}]`),
  map: fc
    .record({
      entries: fc.uniqueArray(fc.record({ key: fc.constantFrom(...KEYS.filter((k) => !k.includes(':'))), value: fc.option(tie('node'), { nil: undefined }) }), { maxLength: 4, selector: (e) => e.key }),
      pad: fc.constantFrom('', ' '),
      sep: fc.constantFrom(',', ', ', ' , '),
    })
    .map(({ entries, pad, sep }) => `{${pad}${entries.map((e) => (e.value === undefined ? e.key : `${e.key}: ${e.value}`)).join(sep)}${pad}}`),
})).node;

const blockArb = fc.letrec<{ block: Block; map: Block; seq: Block; value: Value; entry: Entry; item: Item }>((tie) => ({
  block: fc.oneof({ maxDepth: 4, depthSize: 'small' }, tie('map'), tie('seq')),
  map: fc.record({ t: fc.constant('map' as const), entries: fc.uniqueArray(tie('entry'), { minLength: 1, maxLength: 4, selector: (e) => e.key }) }),
  seq: fc.record({ t: fc.constant('seq' as const), items: fc.array(tie('item'), { minLength: 1, maxLength: 4 }) }),
  value: fc.oneof(
    { maxDepth: 4, depthSize: 'small' },
    fc.record({ t: fc.constant('scalar' as const), text: fc.constantFrom(...PLAIN, ...QUOTED), trail: fc.constantFrom(...TRAIL) }),
    fc.record({ t: fc.constant('flow' as const), text: flowArb, trail: fc.constantFrom(...TRAIL) }),
    fc.record({ t: fc.constant('empty' as const), trail: fc.constantFrom('', ' ', '  ') }),
    fc.record({ t: fc.constant('block' as const), block: tie('block'), lineComment: fc.constantFrom('', '', ' # about', '  '), step: fc.integer({ min: 1, max: 4 }), sameIndent: fc.boolean() }),
  ),
  entry: fc.record({ key: fc.constantFrom(...KEYS), gap: gapArb, value: tie('value'), spaces: fc.integer({ min: 1, max: 3 }) }),
  item: fc.record({ gap: gapArb, value: tie('value'), dashSpaces: fc.integer({ min: 1, max: 3 }), compact: fc.boolean() }),
})).map;

const documentArb = fc.record({ before: gapArb, root: blockArb, after: gapArb, finalNewline: fc.boolean() }).map(({ before, root, after, finalNewline }) => {
  const lines: string[] = [];
  renderGap(before, 0, lines);
  renderBlock(root, 0, lines, undefined);
  renderGap(after, 0, lines);
  return lines.join('\n') + (finalNewline ? '\n' : '');
});

function renderGap(gap: GapLine[], indent: number, lines: string[]): void {
  for (const g of gap) lines.push(g.comment ? `${' '.repeat(Math.max(0, indent + g.indentDelta))}# note` : '');
}

/** `first` is the text a compact map's first line starts with (`- ` at the sequence's indentation). */
function renderBlock(block: Block, indent: number, lines: string[], first: string | undefined): void {
  const pad = ' '.repeat(indent);
  if (block.t === 'map') {
    block.entries.forEach((e, i) => {
      if (i > 0 || first === undefined) renderGap(e.gap, indent, lines);
      const head = i === 0 && first !== undefined ? first : pad;
      const v = e.value;
      if (v.t === 'block') {
        lines.push(`${head}${e.key}:${v.lineComment}`);
        const childIndent = v.block.t === 'seq' && v.sameIndent ? indent : indent + v.step;
        renderBlock(v.block, childIndent, lines, undefined);
      } else if (v.t === 'empty') lines.push(`${head}${e.key}:${v.trail}`);
      else lines.push(`${head}${e.key}:${' '.repeat(e.spaces)}${v.text}${v.trail}`);
    });
    return;
  }
  for (const item of block.items) {
    renderGap(item.gap, indent, lines);
    const dash = `${pad}-${' '.repeat(item.dashSpaces)}`;
    const v = item.value;
    if (v.t === 'block') {
      if (item.compact && v.block.t === 'map') renderBlock(v.block, indent + 1 + item.dashSpaces, lines, dash);
      else {
        lines.push(`${pad}-${v.lineComment}`);
        renderBlock(v.block, indent + v.step, lines, undefined);
      }
    } else if (v.t === 'empty') lines.push(`${pad}-${v.trail}`);
    else lines.push(`${dash}${v.text}${v.trail}`);
  }
}

test('generated documents: whenever the subset composer answers, it answers like the library', () => {
  fc.assert(
    fc.property(documentArb, (text) => {
      differential(text);
    }),
    { numRuns: 1500, seed: 4242 },
  );
  // The property means little if the subset composer declines everything: most generated documents are its.
  const sample = fc.sample(documentArb, { numRuns: 400, seed: 777 });
  const answered = sample.filter((t) => composeCommonSubset(new SourceFile('/s.yaml', t)) !== undefined).length;
  assert.ok(answered >= sample.length * 0.5, `the subset composer answered only ${answered} of ${sample.length} generated documents`);
});

test('plain scalars resolve like the YAML 1.2 core schema of the library', () => {
  const unit = fc.constantFrom(...'0123456789+-.eEoxXabcfinNaAlLuUtTrRsS~_'.split(''));
  fc.assert(
    fc.property(fc.string({ unit, minLength: 1, maxLength: 8 }), (s) => {
      // As a value in a one-entry map; inputs the subset declines (`-`, `...`) say nothing here.
      const text = `k: ${s}\n`;
      const full = parseWithYamlLibrary(new SourceFile('/s.yaml', text));
      if (full.diagnostics.length > 0 || composeCommonSubset(new SourceFile('/s.yaml', text)) === undefined) return;
      assert.deepStrictEqual(plainScalar(s), (full.value as { k: unknown }).k, `plain scalar ${JSON.stringify(s)}`);
    }),
    { numRuns: 4000, seed: 99 },
  );
  for (const s of PLAIN) assert.equal(differential(`k: ${s}\n${s}: v\n`), 'same', s);
});

// ---------------------------------------------------------------------------------------------------------
// Mutated specs: the edges of the subset, where most inputs are (or are near) YAML errors.

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const JUNK = [...PLAIN.slice(0, 30), ...QUOTED, '&a x', '*a', '!!str x', '|', '>-', '? [a]', '[a, ]', '{a, b}', '{ }', '"x": 1', '# c', ':', ': ', '- ', '-', ',', '[', ']', '{', '}', "'", '"', '#', ' ', '\n', '\n  ', '\n- ', '\t', '\r', '<<: {a: 1}'];

function mutate(text: string, r: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const pos = () => Math.floor(r() * (text.length + 1));
  const lines = text.split('\n');
  const line = () => Math.floor(r() * lines.length);
  switch (Math.floor(r() * 8)) {
    case 0:
      return text.slice(0, pos());
    case 1: {
      const a = pos();
      return text.slice(0, a) + text.slice(a + Math.floor(r() * 12));
    }
    case 2: {
      const i = line();
      lines[i] = lines[i]!.replace(/:\s+.*$/, `: ${pick(JUNK)}`);
      return lines.join('\n');
    }
    case 3: {
      const i = line();
      lines[i] = r() < 0.5 ? lines[i]!.replace(/^\s+/, '') : `${' '.repeat(1 + Math.floor(r() * 5))}${lines[i]}`;
      return lines.join('\n');
    }
    case 4: {
      const a = pos();
      return text.slice(0, a) + pick(JUNK) + text.slice(a);
    }
    case 5: {
      const i = line();
      lines.splice(i, 0, r() < 0.5 ? lines[i]! : `${' '.repeat(Math.floor(r() * 8))}# ${pick(JUNK)}`);
      return lines.join('\n');
    }
    case 6: {
      const i = line();
      lines[i] = lines[i]!.replace(/^(\s*)[a-z_]+:/, `$1${pick(KEYS)}:`);
      return lines.join('\n');
    }
    default: {
      const i = line();
      const j = line();
      const t = lines[i]!;
      lines[i] = lines[j]!;
      lines[j] = t;
      return lines.join('\n');
    }
  }
}

test('mutated specs: the subset composer answers like the library or declines, and parse() is the library', () => {
  const seeds = [...yamlFilesUnder(join(ROOT, 'specs')), ...yamlFilesUnder(join(ROOT, 'golden-tests'))].map((f) => readFileSync(f, 'utf8'));
  const r = rng(31337);
  const counts = { same: 0, declined: 0 };
  for (let i = 0; i < 3000; i++) {
    let text = seeds[Math.floor(r() * seeds.length)]!;
    const rounds = 1 + Math.floor(r() * 3);
    for (let k = 0; k < rounds; k++) text = mutate(text, r);
    counts[differential(text)]++;
    if (i % 10 === 0) {
      // parse() as a whole, diagnostics included, whichever composer read the input.
      const source = new SourceFile('/spec.yaml', text);
      const viaParse = parse(source);
      const viaLibrary = text.trim() === '' ? viaParse : parseWithYamlLibrary(source);
      assert.deepEqual(viaParse.diagnostics, viaLibrary.diagnostics);
      assertSameResult(viaParse, viaLibrary, text);
    }
  }
  assert.ok(counts.same > 300, `the subset composer answered only ${counts.same} mutated inputs`);
});

// ---------------------------------------------------------------------------------------------------------
// What the subset leaves to the library, so DLC101-106 and every unusual construct read as before.

const OUTSIDE_THE_SUBSET: Record<string, string> = {
  anchor: 'a: &x 1\nb: 2\n',
  alias: 'a: &x 1\nb: *x\n',
  'alias bomb': 'a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\n',
  'merge key': 'base: {a: 1}\nx:\n  <<: {a: 2}\n',
  'merge key in flow': 'x: {<<: {a: 2}}\n',
  'core tag': 'a: !!str 1\n',
  'custom tag': 'a: !custom x\n',
  'second document': 'a: 1\n---\nb: 2\n',
  'document start': '---\na: 1\n',
  'document end': 'a: 1\n...\n',
  directive: '%YAML 1.2\n---\na: 1\n',
  'duplicate key': 'a: 1\na: 2\n',
  'duplicate key after typing': "1: a\n'1': b\n",
  'duplicate key in flow': 'a: {b: 1, b: 2}\n',
  'explicit key': '? a\n: b\n',
  'flow key': '[a]: 1\n',
  'literal block scalar': 'a: |\n  x\n',
  'folded block scalar': 'a: >-\n  x\n  y\n',
  'multi-line plain scalar': 'a: one\n  two\n',
  'multi-line quoted scalar': 'a: "one\n  two"\n',
  'multi-line flow collection': 'a: [1,\n  2]\n',
  'scalar on a line of its own': 'a:\n  one\n',
  tab: 'a:\t1\n',
  'carriage return': 'a: 1\r\nb: 2\r\n',
  'byte-order mark': '\ufeffa: 1\n',
  'control character': 'a: x\u0007y\n',
  'bad indentation': 'a:\n  b: 1\n c: 2\n',
  'unclosed flow': 'a: [1, 2\n',
  'deep nesting': `a: ${'['.repeat(200)}${']'.repeat(200)}\n`,
  'sequence at the root': '- a\n- b\n',
  'scalar at the root': 'just words\n',
  'flow map at the root': '{a: 1}\n',
  'indented root': '  a: 1\n  b: 2\n',
  'comments only': '# nothing\n',
  'deeper comment before a block': 'a:\n      # about b\n  b: 1\n',
  'indented comment before the root': '  # about a\na: 1\n',
  'empty value with a comment': 'a: # nothing yet\nb: 1\n',
  'empty value then a comment line': 'a:\n# nothing yet\nb: 1\n',
  'compact nested map': 'a: b: c\n',
  'space before the colon': 'a : 1\n',
  'junk after a quoted scalar': 'a: "x"y\n',
  'invalid escape': 'a: "\\q"\n',
  'reserved indicator': 'a: @x\n',
  'backquote': 'a: `x`\n',
  'compact nested sequence': 'a:\n  - - x\n',
  'empty flow entry': 'a: [1, , 2]\n',
  'json object': '{\n  "a": 1\n}\n',
  'key too long': `${'k'.repeat(1100)}: 1\n`,
};

test('the library takes over for everything outside the subset, with its own diagnostics', () => {
  for (const [name, text] of Object.entries(OUTSIDE_THE_SUBSET)) {
    const source = new SourceFile('/spec.yaml', text);
    assert.equal(composeCommonSubset(source), undefined, `${name}: the subset composer should decline`);
    const viaParse = parse(source);
    const viaLibrary = parseWithYamlLibrary(source);
    assert.deepEqual(viaParse.diagnostics, viaLibrary.diagnostics, name);
    assertSameResult(viaParse, viaLibrary, text);
  }
  // The library's diagnostics are the point of declining; spot-check that they still come through.
  const codes = (text: string) => parse(new SourceFile('/spec.yaml', text)).diagnostics.map((d) => d.code);
  assert.deepEqual(codes(OUTSIDE_THE_SUBSET['duplicate key']!), ['DLC102']);
  assert.deepEqual(codes(OUTSIDE_THE_SUBSET['second document']!), ['DLC104']);
  assert.deepEqual(codes(OUTSIDE_THE_SUBSET['custom tag']!), ['DLC106']);
  assert.deepEqual(codes(OUTSIDE_THE_SUBSET['deep nesting']!), ['DLC106']);
  assert.deepEqual(codes(OUTSIDE_THE_SUBSET['bad indentation']!), ['DLC101']);
  assert.deepEqual(codes(OUTSIDE_THE_SUBSET['comments only']!), ['DLC105']);
});

test('inside the subset: comments, blank lines, compact maps and same-indent sequences', () => {
  const cases = [
    'a: 1\n',
    'a: 1',
    '# head\n\na: 1 # one\n\n# between\nb:\n  c: x y  # hi\n  d:\n  e: [1, 2]\n# end\n',
    'a:\n- 1\n-\n- x: 1\n  y: 2\n\nb: end',
    'layers:\n  - dense: { units: "${hp.units}", activation: relu }\n    name: first\n  -   conv: {filters: 8}\n      kernel: [3, 3]\n',
    'a: # about a\n  b: 1\nc:\n  # about d\n  d: [x, {y: z, w}, []]\n',
    'a:\n  b:\n    c: 1\n  # back at b\n  d: 2\n# back at the root\ne: 3\n',
    "q: 'it''s'\nd: \"tab\\tthere \\u00e9\"\n'k y': v\n\"x\": [ 'a' , \"b\" , ]\n",
    '__proto__: {polluted: true}\nconstructor: 1\n',
    'n: [0o17, 0x1F, 1e3, .inf, -.Inf, .NaN, ~, null, True, -0, +12, 1., .5]\n',
    // Comment lines that the library files with the node before them, stretching the ranges that close there.
    'a:\n  b: 1\n  # about b\nc: 2\n',
    'a:\n  b: 1\n    # about b\n',
    'a:\n  b:\n    c: 1\n\n      # deeper\n    # at c\n  # at b\n# at a\nd: 1\n',
    'a:\n  - x: 1\n      # deeper than x\n  - y\n    # at the item\nb: [1] # flow\n    # after the flow\n',
    'a:\n- x\n  # deeper than the sequence at column 0\nb: 1\n',
  ];
  for (const text of cases) assert.equal(differential(text), 'same', text);
  const value = parse(new SourceFile('/s.yaml', cases[8]!)).value as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(value), Object.prototype, '`__proto__` is a key, not the prototype');
  assert.deepEqual(Object.keys(value), ['__proto__', 'constructor']);
});
