import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { runCli } from '../helpers.js';
import { writeSpec } from './run-fixture.js';

test('dlc deploy k8s: Redis, a shared store and a worker StatefulSet; GPUs requested when the spec asks', () => {
  const spec = writeSpec({ workers: 3 });
  const cpu = runCli(['deploy', 'k8s', spec]);
  assert.equal(cpu.status, 0, cpu.stderr);
  const docs = parseAllDocuments(cpu.stdout).map((d) => d.toJS() as { kind: string; metadata: { name: string }; spec: Record<string, any> });
  assert.deepEqual(docs.map((d) => d.kind), ['PersistentVolumeClaim', 'StatefulSet', 'Service', 'StatefulSet']);
  const workers = docs[3]!;
  assert.equal(workers.spec.replicas, 3);
  const container = workers.spec.template.spec.containers[0];
  assert.deepEqual(container.command.slice(0, 4), ['npx', 'dlc', 'worker', '--queue']);
  assert.equal(JSON.stringify(container).includes('nvidia.com/gpu'), false);
  assert.equal(docs[0]!.spec.accessModes[0], 'ReadWriteMany');
  // The password comes from a Secret, never from the manifests or a command line.
  assert.doesNotMatch(cpu.stdout, /--requirepass/);
  assert.match(cpu.stdout, /secretKeyRef/);

  const gpuSpec = join(spec, '..', 'gpu.yaml');
  writeFileSync(gpuSpec, readFileSync(spec, 'utf8').replace('resources: { workers: 3 }', 'resources: { workers: 4, devices: gpu, memory_per_worker: 8GiB }'));
  const gpu = runCli(['deploy', 'k8s', gpuSpec, '--replicas', '2']);
  assert.equal(gpu.status, 0, gpu.stderr);
  const gdocs = parseAllDocuments(gpu.stdout).map((d) => d.toJS() as { spec: Record<string, any> });
  const gc = gdocs[3]!.spec.template.spec.containers[0];
  assert.equal(gdocs[3]!.spec.replicas, 2);
  assert.equal(gc.resources.limits['nvidia.com/gpu'], 1);
  assert.equal(gc.resources.limits.memory, '8192Mi');

  const bad = runCli(['deploy', 'swarm', spec]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /knows one target, k8s/);
});

