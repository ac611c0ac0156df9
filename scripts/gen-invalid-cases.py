import os, re
BASE = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'golden-tests', 'invalid')

HEAD = """dlc: 1
name: case
seed: 1
"""
SOURCES = """sources:
  orders:
    format: csv
    path: ../_data/orders.csv
  customers:
    format: csv
    path: ../_data/customers.csv
"""
TRAIN = """  model_search:
    op: train
    data: { train: parts.train, validation: parts.validation }
    features: [amount, items]
    label: returned
    model:
      input_shape: [2]
      layers:
        - dense: { units: "${hp.units}", activation: relu }
        - dense: { units: 2, activation: softmax }
    optimizer: { name: adam, learning_rate: 0.01 }
    loss: sparse_categorical_crossentropy
    metrics: [accuracy]
    batch_size: 16
    epochs: 2
    search:
      algorithm: grid
      space:
        units: { choice: [4, 8] }
      objective: { metric: val_accuracy, mode: max }
"""
SPLIT = """  parts:
    op: split
    from: clean
    fractions: { train: 0.8, validation: 0.2 }
"""
CLEAN = """  clean:
    op: transform
    from: orders
    filter: amount > 0
"""
USE_CUSTOMERS = """  joined:
    op: join
    left: orders
    right: customers
    on: customer_id
  out:
    op: export
    from: joined
    path: ../_out/joined.parquet
"""
def full(clean=CLEAN, split=SPLIT, train=TRAIN, extra=USE_CUSTOMERS, head=HEAD, sources=SOURCES):
    return head + sources + "steps:\n" + clean + split + train + extra

cases = {}
def case(name, text, ext='yaml', files=None):
    cases[name] = (text, ext, files or {})

V = full()
# --- parse
case('yaml-syntax-bad-indent', V.replace("    op: split\n", "    op: split\n   from_bad: [\n", 1).replace("   from_bad: [\n", "   from_bad: [ #<\n"))
case('yaml-syntax-unclosed-flow', V.replace("fractions: { train: 0.8, validation: 0.2 }", "fractions: { train: 0.8, validation: 0.2 #<"))
case('duplicate-key', V.replace("    filter: amount > 0\n", "    filter: amount > 0\n    from: customers #<\n"))
case('json-trailing-comma', '{\n  "dlc": 1,\n  "name": "case",\n  "steps": {}, #<\n}\n', ext='json')
case('multiple-documents', V + "--- #<\ndlc: 1\n")
case('empty-file', "# only a comment #<\n")
case('custom-tag', V.replace("name: case", "name: !secret case #<"))
# --- schema
case('wrong-type-epochs', V.replace("epochs: 2", "epochs: two #<"))
case('unknown-top-level-key', V.replace("seed: 1", "seed: 1\nsources_extra: {} #<"))
case('unknown-step-key-typo', V.replace("    metrics: [accuracy]\n", "    metrics: [accuracy]\n    epoch: 3 #<\n"))
case('missing-label', V.replace("    label: returned\n", "", 1).replace("  model_search:\n", "  model_search: #<\n"))
case('invalid-join-how', V.replace("    on: customer_id\n", "    on: customer_id\n    how: outer #<\n"))
case('negative-batch-size', V.replace("batch_size: 16", "batch_size: -4 #<"))
case('bad-ref-format', V.replace("    from: clean\n", "    from: Clean-Step #<\n"))
case('unknown-op', V.replace("    op: split\n", "    op: splitt #<\n"))
case('unsupported-version', V.replace("dlc: 1", "dlc: 2 #<"))
case('unknown-layer', V.replace("        - dense: { units: 2, activation: softmax }", "        - dens: { units: 2, activation: softmax } #<"))
case('empty-layers', V.replace("""      layers:
        - dense: { units: "${hp.units}", activation: relu }
        - dense: { units: 2, activation: softmax }""", """      layers: [] #<"""))
case('wrong-activation', V.replace("activation: relu }", "activation: rellu } #<"))
case('bad-memory-size', V.replace("seed: 1", "seed: 1\nresources:\n  memory_per_worker: 4 gigs #<"))
case('bad-optimizer-name', V.replace("optimizer: { name: adam, learning_rate: 0.01 }", "optimizer: { name: adamw, learning_rate: 0.01 } #<"))
case('search-entry-two-distributions', V.replace("units: { choice: [4, 8] }", "units: { choice: [4, 8], int: [4, 8] } #<"))
case('layer-with-two-keys', V.replace("        - dense: { units: 2, activation: softmax }", "        - { dense: { units: 2 }, dropout: { rate: 0.1 } } #<"))
# --- resolve
case('unknown-var', V.replace("path: ../_data/orders.csv", "path: ${vars.dir}/orders.csv #<").replace("seed: 1", "seed: 1\nvars:\n  data_dir: ../_data"))
case('env-not-allowed', V.replace("path: ../_data/orders.csv", "path: ${env.HOME}/orders.csv #<"))
case('env-unset', V.replace("path: ../_data/orders.csv", "path: ${env.DLC_GOLDEN_UNSET_VARIABLE}/orders.csv #<").replace("seed: 1", "seed: 1\nvars:\n  env_allow: [DLC_GOLDEN_UNSET_VARIABLE]"))
case('bad-interpolation-namespace', V.replace("path: ../_data/orders.csv", "path: ${var.dir}/orders.csv #<"))
case('unterminated-interpolation', V.replace("path: ../_data/orders.csv", "path: ${vars.dir/orders.csv #<").replace("seed: 1", "seed: 1\nvars:\n  dir: ../_data"))
case('include-missing', V.replace("seed: 1", "seed: 1\ninclude: ./common-does-not-exist.yaml #<"))
case('include-cycle', V.replace("seed: 1", "seed: 1\ninclude: ./a.yaml"), files={'a.yaml': "include: ./b.yaml\n", 'b.yaml': "include: ./a.yaml #<\n"})
case('var-cycle', V.replace("seed: 1", "seed: 1\nvars:\n  a: ${vars.b}/x #<\n  b: ${vars.a}/y").replace("path: ../_data/orders.csv", "path: ${vars.a}/orders.csv"))
case('duplicate-id', V.replace("  clean:\n", "  orders: #<\n    op: transform\n    from: customers\n  clean:\n", 1))
case('unknown-ref', V.replace("    from: clean\n", "    from: claen #<\n"))
case('unknown-output', V.replace("data: { train: parts.train, validation: parts.validation }", "data: { train: parts.training, validation: parts.validation } #<"))
case('ref-kind-model-as-table', V.replace("    from: joined\n", "    from: joined\n") + "  scores:\n    op: evaluate\n    model: joined #<\n    data: clean\n")
case('invalid-id', V.replace("  clean:\n", "  Clean-Orders: #<\n    op: transform\n    from: orders\n  clean:\n", 1))
case('typed-var-mismatch', V.replace("epochs: 2", "epochs: ${vars.epochs} #<").replace("seed: 1", "seed: 1\nvars:\n  epochs: many"))
# --- analyze
case('cycle', V.replace("    from: orders\n    filter: amount > 0\n", "    from: parts.train #<\n    filter: amount > 0\n"))
case('unknown-column-filter', V.replace("filter: amount > 0", "filter: amont > 0 #<"))
case('unknown-column-features', V.replace("features: [amount, items]", "features: [amount, itmes] #<"))
case('unknown-join-key', V.replace("    on: customer_id\n", "    on: customer #<\n"))
case('normalize-string-column', V.replace("    filter: amount > 0\n", "    filter: amount > 0\n    normalize: { returned: standard } #<\n").replace("label: returned", "label: items"))
case('sql-syntax', V.replace("filter: amount > 0", "filter: amount > AND items < 3 #<"))
case('filter-not-boolean', V.replace("filter: amount > 0", "filter: amount * 2 #<"))
case('unknown-hp', V.replace('        - dense: { units: "${hp.units}", activation: relu }', '        - dense: { units: "${hp.unit}", activation: relu } #<').replace("units: { choice: [4, 8] }", "units: { choice: [4, 8] }\n        unit_typo_guard: { choice: [1] }").replace("unit_typo_guard: { choice: [1] }", "unit_typo_guard: { choice: [1] }") )
case('unused-hp-strict', V.replace("units: { choice: [4, 8] }", "units: { choice: [4, 8] }\n        dropout: { choice: [0.1, 0.2] } #<").replace("    metrics: [accuracy]\n", "    metrics: [accuracy]\n"))
case('hp-without-search', V.replace("    filter: amount > 0\n", "    filter: amount > ${hp.threshold} #<\n"))
case('objective-unknown-metric', V.replace("metric: val_accuracy", "metric: val_acc #<"))
case('loguniform-nonpositive', V.replace("optimizer: { name: adam, learning_rate: 0.01 }", 'optimizer: { name: adam, learning_rate: "${hp.lr}" }').replace("units: { choice: [4, 8] }", "units: { choice: [4, 8] }\n        lr: { loguniform: [0, 0.1] } #<").replace("algorithm: grid", "algorithm: random\n      trials: 4"))
case('split-fractions-over-one', V.replace("fractions: { train: 0.8, validation: 0.2 }", "fractions: { train: 0.8, validation: 0.3 } #<"))
case('source-missing-at-lint', V.replace("path: ../_data/customers.csv", "path: ../_data/no-such-file.csv #<"))
case('source-corrupt-parquet', V.replace("    format: csv\n    path: ../_data/customers.csv", "    format: parquet\n    path: ./not-parquet.parquet #<"), files={'not-parquet.parquet': 'this is not a parquet file\n'})
case('glob-empty', V.replace("path: ../_data/customers.csv", "path: ../_data/nothing-*.csv #<"))
case('glob-schema-mismatch', V.replace("path: ../_data/customers.csv", "path: ./parts/*.csv #<"), files={'parts/a.csv': 'customer_id,region\n1,north\n', 'parts/b.csv': 'customer_id,zone\n2,south\n'})
case('when-unknown-param', V.replace("units: { choice: [4, 8] }", "units: { choice: [4, 8], when: { size: big } } #<"))
case('grid-over-continuous', V.replace("units: { choice: [4, 8] }", "units: { choice: [4, 8] }\n        lr: { uniform: [0.001, 0.1] } #<").replace("optimizer: { name: adam, learning_rate: 0.01 }", 'optimizer: { name: adam, learning_rate: "${hp.lr}" }'))
case('hp-type-mismatch', V.replace("units: { choice: [4, 8] }", "units: { choice: [4, 8.5] }").replace('        - dense: { units: "${hp.units}", activation: relu }', '        - dense: { units: "${hp.units}", activation: relu } #<'))
case('shape-mismatch', V.replace("input_shape: [2]", "input_shape: [3] #<"))
case('module-not-found', V.replace("""      input_shape: [2]
      layers:
        - dense: { units: "${hp.units}", activation: relu }
        - dense: { units: 2, activation: softmax }""", """      input_shape: [2]
      module: ./models/missing.ts #<
      export: build""").replace('units: { choice: [4, 8] }', 'units: { choice: [4, 8] }').replace("    batch_size: 16\n", '    batch_size: "${hp.units}"\n'))
case('sql-unknown-table', V + "  report:\n    op: sql\n    inputs: { o: orders }\n    query: SELECT * FROM orderz WHERE amount > 1 #<\n  report_out:\n    op: export\n    from: report\n    path: ../_out/report.csv\n")
case('join-key-type-mismatch', V.replace("    on: customer_id\n", "    on: region #<\n").replace("path: ../_data/orders.csv", "path: ./orders-with-region.csv"), files={'orders-with-region.csv': 'order_id,customer_id,amount,items,returned,region\n1,2,10.5,2,false,7\n'})
case('unused-step-warning-as-error', V.replace("    fractions: { train: 0.8, validation: 0.2 }\n", "    fractions: { train: 0.8, validation: 0.2 }\n  leftover: #<\n    op: transform\n    from: orders\n    select: [amount, itemz]\n"))
case('include-conflict-warning', V.replace("seed: 1", "include: ./base.yaml\nseed: 1 #<").replace("path: ../_data/orders.csv", "path: ../_data/orders.csv"), files={'base.yaml': "seed: 5\nsources:\n  orders:\n    format: csv\n    path: ../_data/orders.csv\n  customers:\n    format: csv\n    path: ../_data/customers.csv\n    header: true\n"})
case('conflicting-model-kinds', V.replace("      input_shape: [2]\n", "      input_shape: [2]\n      command: [python3, train.py] #<\n"))
case('out-of-range-dropout', V.replace("        - dense: { units: 2, activation: softmax }", "        - dropout: { rate: 1.5 } #<\n        - dense: { units: 2, activation: softmax }"))
# --- module models: the factory's hyperparameter type against the search space
NET_TS = """import type * as tfl from '@tensorflow/tfjs-layers';

export interface Hyperparameters {
  units: number;
  activation: 'relu' | 'tanh';
}

export interface ModelContext {
  tf: typeof tfl;
  inputShape: number[];
  seed: number;
}

export function build(hp: Hyperparameters, ctx: ModelContext): tfl.LayersModel {
  const { tf } = ctx;
  return tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: ctx.inputShape, units: hp.units, activation: hp.activation }),
      tf.layers.dense({ units: 2, activation: 'softmax' }),
    ],
  });
}

export const defaults: Hyperparameters = { units: 4, activation: 'relu' };
"""
M = V.replace("""      layers:
        - dense: { units: "${hp.units}", activation: relu }
        - dense: { units: 2, activation: softmax }""", """      module: ./models/net.ts
      export: build""").replace("units: { choice: [4, 8] }", "units: { choice: [4, 8] }\n        activation: { choice: [relu, tanh] }")
def module_case(name, text, net=NET_TS):
    case(name, text, files={'models/net.ts': net})
module_case('module-hp-not-in-type', M.replace("activation: { choice: [relu, tanh] }", "activation: { choice: [relu, tanh] }\n        dropout: { choice: [0.1, 0.2] } #<"))
module_case('module-hp-type-mismatch', M.replace("activation: { choice: [relu, tanh] }", "activation: { choice: [relu, gelu] } #<"))
module_case('module-export-not-found', M.replace("export: build", "export: buidl #<"))
module_case('module-export-not-a-function', M.replace("export: build", "export: defaults #<"))
module_case('module-hp-missing-from-space', M.replace("      space:\n", "      space: #<\n"), net=NET_TS.replace("  activation: 'relu' | 'tanh';\n", "  activation: 'relu' | 'tanh';\n  dropout: number;\n").replace("{ units: 4, activation: 'relu' }", "{ units: 4, activation: 'relu', dropout: 0 }"))
module_case('module-syntax-error', M.replace("module: ./models/net.ts", "module: ./models/net.ts #<"), net=NET_TS.replace("  const { tf } = ctx;\n", "  const { tf } = ctx\n  return tf.sequential({ layers: [ };\n"))
module_case('module-imports-tfjs', M.replace("module: ./models/net.ts", "module: ./models/net.ts #<"), net=NET_TS.replace("import type * as tfl from '@tensorflow/tfjs-layers';", "import * as tfl from '@tensorflow/tfjs-layers';\n\nexport const engine = tfl.version_layers;"))

for name, (text, ext, files) in cases.items():
    d = os.path.join(BASE, name)
    os.makedirs(d, exist_ok=True)
    for f in os.listdir(d):
        if f.startswith('input.') or f.startswith('expected'):
            os.remove(os.path.join(d, f))
    def mark(t):
        lines = t.split('\n')
        idx = [i for i, l in enumerate(lines) if '#<' in l]
        return lines, idx
    lines, idx = mark(text)
    target = None
    marked_file = 'input.' + ext
    if not idx:
        for fn, content in files.items():
            fl, fi = mark(content)
            if fi:
                target = fi[0] + 1
                marked_file = fn
                break
    else:
        target = idx[0] + 1
    assert target, name
    clean = lambda t: re.sub(r'\s*#<', '', t)
    for fn, content in files.items():
        p = os.path.join(d, fn)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        open(p, 'w').write(clean(content))
    body = clean(text)
    open(os.path.join(d, 'expect.txt'), 'w').write('')
    cases[name] = (body, ext, files, target, marked_file)

CODES = {
 'yaml-syntax-bad-indent':'DLC101','yaml-syntax-unclosed-flow':'DLC101','duplicate-key':'DLC102','json-trailing-comma':'DLC103',
 'multiple-documents':'DLC104','empty-file':'DLC105','custom-tag':'DLC106','wrong-type-epochs':'DLC200','unknown-top-level-key':'DLC201',
 'unknown-step-key-typo':'DLC201','missing-label':'DLC202','invalid-join-how':'DLC203','negative-batch-size':'DLC204','bad-ref-format':'DLC205',
 'unknown-op':'DLC206','unsupported-version':'DLC207','unknown-layer':'DLC208','empty-layers':'DLC209','wrong-activation':'DLC203',
 'bad-memory-size':'DLC205','bad-optimizer-name':'DLC203','search-entry-two-distributions':'DLC210','layer-with-two-keys':'DLC209',
 'unknown-var':'DLC300','env-not-allowed':'DLC301','env-unset':'DLC302','bad-interpolation-namespace':'DLC303','unterminated-interpolation':'DLC303',
 'include-missing':'DLC304','include-cycle':'DLC305','var-cycle':'DLC307','duplicate-id':'DLC308','unknown-ref':'DLC309','unknown-output':'DLC310',
 'ref-kind-model-as-table':'DLC311','invalid-id':'DLC312','typed-var-mismatch':'DLC200','cycle':'DLC400','unknown-column-filter':'DLC401',
 'unknown-column-features':'DLC401','unknown-join-key':'DLC401','normalize-string-column':'DLC402','sql-syntax':'DLC403','filter-not-boolean':'DLC402',
 'unknown-hp':'DLC404','unused-hp-strict':'DLC405','hp-without-search':'DLC406','objective-unknown-metric':'DLC407','loguniform-nonpositive':'DLC408',
 'split-fractions-over-one':'DLC409','source-missing-at-lint':'DLC410','source-corrupt-parquet':'DLC411','glob-empty':'DLC412','glob-schema-mismatch':'DLC413',
 'when-unknown-param':'DLC414','grid-over-continuous':'DLC415','hp-type-mismatch':'DLC416','shape-mismatch':'DLC418','module-not-found':'DLC419',
 'sql-unknown-table':'DLC420','join-key-type-mismatch':'DLC402','unused-step-warning-as-error':'DLC417','include-conflict-warning':'DLC306',
 'conflicting-model-kinds':'DLC210','out-of-range-dropout':'DLC204',
 'module-hp-not-in-type':'DLC423','module-hp-type-mismatch':'DLC424','module-export-not-found':'DLC421',
 'module-export-not-a-function':'DLC422','module-hp-missing-from-space':'DLC425','module-syntax-error':'DLC426',
 'module-imports-tfjs':'DLC427',
}
# Where the parser reports a problem later than the mark (at the token that shows it), say so here.
LINE_OVERRIDES = {'empty-file': 1, 'json-trailing-comma': 5, 'yaml-syntax-unclosed-flow': 21}
for name, (body, ext, files, target, marked_file) in cases.items():
    d = os.path.join(BASE, name)
    code = CODES[name]
    if name in LINE_OVERRIDES:
        target = LINE_OVERRIDES[name] - (1 if ext != 'json' else 0)
    os.remove(os.path.join(d, 'expect.txt'))
    if ext == 'json':
        open(os.path.join(d, 'input.json'), 'w').write(body)
        open(os.path.join(d, 'expect.txt'), 'w').write(f'expect: {code} line {target}\n')
    else:
        line = target + 1 if marked_file == 'input.yaml' else target
        open(os.path.join(d, 'input.yaml'), 'w').write(f'# expect: {code} line {line}\n' + body)
print('cases', len(cases))
