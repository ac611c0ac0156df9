import assert from 'node:assert/strict';
import { test } from 'node:test';
import { trainersToStart } from '../../../runtime/run/start-trainers.js';

const train = (id: string, model: Record<string, unknown>) => ({ id, op: 'train', config: { model, features: ['x'], label: 'y' } });

test('persistent command trainers start with the workers: once per distinct command, never with ${hp.*} in it or when per-unit', () => {
  const plan = {
    seed: 7,
    nodes: [
      { id: 'raw', op: 'source', config: {} },
      train('a', { command: ['python3', 'train.py'], persistent: true }),
      train('b', { command: ['python3', 'train.py'], persistent: true }),
      train('c', { command: ['python3', 'train.py', '--width', '${hp.width}'], persistent: true }),
      train('d', { command: ['python3', 'train.py'], persistent: true, env: { LR: '${hp.lr}' } }),
      train('e', { command: ['python3', 'other.py'] }),
      train('f', { layers: [{ dense: { units: 1 } }] }),
      train('g', { command: ['python3', 'train.py'], persistent: true, env: { A: '1' } }),
    ],
  };
  const setups = trainersToStart(plan as never, '/specs');
  assert.deepEqual(
    setups.map((s) => s.node),
    ['a', 'g'],
  );
  assert.equal(setups[0]!.cwd, '/specs');
  assert.deepEqual(setups[0]!.features, ['x']);
});
