// The engine prints nothing: a worker's stdout may be its protocol channel. Checked in a child process, the
// only place tfjs's first-use messages can still appear; the cpu backend greets Node users on its first
// tensor, which the loud run below shows the check would catch.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';

const engineUrl = new URL('../../../runtime/engine/index.js', import.meta.url).href;

function runEngineScript(quiet: boolean): { stdout: string; stderr: string; status: number | null } {
  const script = `
    import { initEngine } from ${JSON.stringify(engineUrl)};
    const cpu = await initEngine({ prefer: 'cpu', quiet: ${quiet} });
    cpu.tf.square(cpu.tf.tensor([1, 2])).dataSync();
    const wasm = await initEngine({ quiet: ${quiet} });
    const model = wasm.tf.sequential({ layers: [wasm.tf.layers.dense({ inputShape: [2], units: 1 })] });
    model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    await model.fit(wasm.tf.ones([4, 2]), wasm.tf.ones([4, 1]), { epochs: 1, verbose: 0 });
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

test('initEngine and a training step write nothing to stdout or stderr', () => {
  const r = runEngineScript(true);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr, '');
});

test('with quiet: false tfjs is heard (the check above can fail)', () => {
  const r = runEngineScript(false);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout + r.stderr, /TensorFlow\.js in Node\.js/);
});
