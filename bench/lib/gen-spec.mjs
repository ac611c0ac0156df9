// A realistic, valid spec of a given number of steps, for the lint benchmark: two CSV sources written next
// to it, and a main chain of segments, each a small tree (clean → normalize → two branches → join back →
// join a dimension table → select), with now and then a feature step, a stratified split and a small grid
// search hanging off the chain. Every step's output is read by another step, so `dlc lint` has nothing to say.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const BASE = ['id', 'user_id', 'amount', 'qty', 'category', 'flag', 'score'];
const CATEGORIES = ['a', 'b', 'c', 'd'];
const REGIONS = ['north', 'south', 'east', 'west'];

/** Deterministic pseudo-random numbers (mulberry32), so every run lints the same spec. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function writeData(dir) {
  const rand = rng(7);
  const events = ['id,user_id,amount,qty,category,flag,score'];
  for (let i = 1; i <= 400; i++) {
    const amount = (rand() * 200).toFixed(2);
    const qty = 1 + Math.floor(rand() * 9);
    events.push(`${i},${1 + Math.floor(rand() * 100)},${amount},${qty},${CATEGORIES[i % 4]},${rand() < 0.3},${(rand() * 10).toFixed(3)}`);
  }
  const users = ['user_id,age,region'];
  for (let u = 1; u <= 100; u++) users.push(`${u},${18 + Math.floor(rand() * 60)},${REGIONS[u % 4]}`);
  mkdirSync(join(dir, 'data'), { recursive: true });
  writeFileSync(join(dir, 'data', 'events.csv'), `${events.join('\n')}\n`);
  writeFileSync(join(dir, 'data', 'users.csv'), `${users.join('\n')}\n`);
}

const list = (xs) => `[${xs.join(', ')}]`;

/** The 7 steps of one segment; `prev` has the BASE columns, and so does the segment's last step. */
function segment(k, prev) {
  const lo = k % 7;
  const cats = CATEGORIES.slice(0, 2 + (k % 3)).map((c) => `'${c}'`).join(', ');
  return {
    last: `m${k}`,
    yaml: [
      `  c${k}:`,
      `    op: transform`,
      `    from: ${prev}`,
      `    dropna: [amount, score]`,
      `    filter: amount > ${lo} AND qty BETWEEN 1 AND ${9 - (k % 3)}`,
      `    derive:`,
      `      ratio: amount / (qty + 1)`,
      `      score: score * 0.9 + ratio * 0.1`,
      `    select: ${list(BASE)}`,
      `  n${k}:`,
      `    op: transform`,
      `    from: c${k}`,
      `    normalize: { amount: ${k % 2 ? 'standard' : 'minmax'}, score: standard }`,
      `    select: ${list(BASE)}`,
      `  l${k}:`,
      `    op: transform`,
      `    from: n${k}`,
      `    filter: category IN (${cats}) OR flag`,
      `  r${k}:`,
      `    op: transform`,
      `    from: n${k}`,
      `    derive:`,
      `      bonus: CASE WHEN flag THEN score * 2 ELSE score END`,
      `    select: [id, bonus]`,
      `  j${k}:`,
      `    op: join`,
      `    left: l${k}`,
      `    right: r${k}`,
      `    on: id`,
      `    how: ${k % 3 === 0 ? 'inner' : 'left'}`,
      `    strategy: auto`,
      `  u${k}:`,
      `    op: join`,
      `    left: j${k}`,
      `    right: users`,
      `    on: user_id`,
      `    how: inner`,
      `    strategy: ${k % 2 ? 'broadcast' : 'auto'}`,
      `  m${k}:`,
      `    op: transform`,
      `    from: u${k}`,
      `    derive:`,
      `      score: score + COALESCE(bonus, 0) * 0.01 + age / 100.0`,
      `    select: ${list(BASE)}`,
    ],
  };
}

/** A feature step, a stratified split and a small grid search off `from` (3 steps, the train one terminal). */
function trainBranch(k, from) {
  return [
    `  p${k}:`,
    `    op: transform`,
    `    from: ${from}`,
    `    derive:`,
    `      label: CAST(flag AS INTEGER)`,
    `    one_hot: { category: { classes: 4 } }`,
    `    select: [amount, qty, score, category, label]`,
    `  s${k}:`,
    `    op: split`,
    `    from: p${k}`,
    `    fractions: { train: 0.8, validation: 0.2 }`,
    `    stratify: label`,
    `  t${k}:`,
    `    op: train`,
    `    data: { train: s${k}.train, validation: s${k}.validation }`,
    `    features: [amount, qty, score, category]`,
    `    label: label`,
    `    model:`,
    `      input_shape: [7]`,
    `      layers:`,
    `        - dense: { units: "\${hp.units}", activation: relu }`,
    `        - dropout: { rate: "\${hp.dropout}" }`,
    `        - dense: { units: 2, activation: softmax }`,
    `    optimizer: { name: adam, learning_rate: "\${hp.lr}" }`,
    `    loss: sparse_categorical_crossentropy`,
    `    metrics: [accuracy]`,
    `    batch_size: 32`,
    `    epochs: 3`,
    `    search:`,
    `      algorithm: grid`,
    `      space:`,
    `        units: { choice: [8, 16] }`,
    `        dropout: { choice: [0.0, 0.2] }`,
    `        lr: { choice: [0.001, 0.01] }`,
    `      objective: { metric: val_accuracy, mode: max }`,
  ];
}

/**
 * Writes `<dir>/pipeline.yaml` with exactly `steps` steps (and its data under `<dir>/data`), and returns
 * the spec's path with how many steps of each op it has.
 */
export function generateSpec(dir, steps = 500, trainEvery = 12) {
  writeData(dir);
  const lines = [
    'dlc: 1',
    'name: generated-lint-bench',
    `description: A generated ${steps}-step pipeline of relational steps and small searches`,
    'seed: 1',
    '',
    'sources:',
    '  events:',
    '    format: csv',
    '    path: ./data/events.csv',
    '  users:',
    '    format: csv',
    '    path: ./data/users.csv',
    '',
    'steps:',
  ];
  const ops = { transform: 0, join: 0, split: 0, train: 0, export: 0 };
  let count = 0;
  let prev = 'events';
  // Room for the final export; each segment is 7 steps, plus 3 for a train branch.
  for (let k = 0; ; k++) {
    const withTrain = k % trainEvery === trainEvery - 1;
    const size = 7 + (withTrain ? 3 : 0);
    if (count + size > steps - 1) break;
    const seg = segment(k, prev);
    lines.push(...seg.yaml);
    ops.transform += 5;
    ops.join += 2;
    prev = seg.last;
    count += 7;
    if (withTrain) {
      lines.push(...trainBranch(k, prev));
      ops.transform += 1;
      ops.split += 1;
      ops.train += 1;
      count += 3;
    }
  }
  // Pad with single transforms up to steps - 1, then export the chain's end.
  for (let i = 0; count < steps - 1; i++, count++) {
    lines.push(`  pad${i}:`, '    op: transform', `    from: ${prev}`, `    filter: qty >= ${i % 3}`);
    ops.transform += 1;
    prev = `pad${i}`;
  }
  lines.push('  publish:', '    op: export', `    from: ${prev}`, '    path: ./out/features.parquet', '    format: parquet');
  ops.export += 1;
  count += 1;
  const file = join(dir, 'pipeline.yaml');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return { file, steps: count, ops, bytes: Buffer.byteLength(lines.join('\n')) + 1 };
}
