/**
 * `dlc deploy k8s SPEC`: Kubernetes manifests for running the spec's cluster — a Redis with AOF
 * persistence, a shared volume for the store, and a StatefulSet of `dlc worker`s (one GPU each where the
 * spec asks for GPUs). Printed, never applied: review them, then `kubectl apply -f -`.
 */
import type { CommandContext } from './commands.js';
import { compileSpec } from './compile-spec.js';
import { UsageError } from './usage-error.js';

export interface DeployOptions {
  name: string;
  replicas: number;
  gpus: boolean;
  image: string;
  storage: string;
  storageClass?: string;
  memoryPerWorker?: number;
}

export function k8sManifests(o: DeployOptions): Record<string, unknown>[] {
  const app = `dlc-${o.name}`.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 50);
  const labels = (component: string) => ({ 'app.kubernetes.io/name': app, 'app.kubernetes.io/component': component });
  const passwordEnv = { name: 'DLC_REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: `${app}-redis`, key: 'password' } } };
  const memory = o.memoryPerWorker ? `${Math.ceil(o.memoryPerWorker / 2 ** 20)}Mi` : undefined;
  return [
    {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: `${app}-store`, labels: labels('store') },
      spec: { accessModes: ['ReadWriteMany'], resources: { requests: { storage: o.storage } }, ...(o.storageClass ? { storageClassName: o.storageClass } : {}) },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: `${app}-redis`, labels: labels('queue') },
      spec: {
        serviceName: `${app}-redis`,
        replicas: 1,
        selector: { matchLabels: labels('queue') },
        template: {
          metadata: { labels: labels('queue') },
          spec: {
            containers: [
              {
                name: 'redis',
                image: 'redis:7',
                // The password reaches redis-server as configuration on stdin, never as an argument.
                command: ['sh', '-c', 'printf "appendonly yes\\nappendfsync everysec\\nrequirepass %s\\n" "$DLC_REDIS_PASSWORD" | exec redis-server -'],
                env: [passwordEnv],
                ports: [{ containerPort: 6379, name: 'redis' }],
                volumeMounts: [{ name: 'data', mountPath: '/data' }],
              },
            ],
          },
        },
        volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '5Gi' } } } }],
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: `${app}-redis`, labels: labels('queue') },
      spec: { selector: labels('queue'), ports: [{ port: 6379, targetPort: 'redis', name: 'redis' }] },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: `${app}-worker`, labels: labels('worker') },
      spec: {
        serviceName: `${app}-worker`,
        replicas: o.replicas,
        podManagementPolicy: 'Parallel',
        selector: { matchLabels: labels('worker') },
        template: {
          metadata: { labels: labels('worker') },
          spec: {
            // Let a unit in progress finish and checkpoint before the pod goes.
            terminationGracePeriodSeconds: 600,
            containers: [
              {
                name: 'worker',
                image: o.image,
                command: ['npx', 'dlc', 'worker', '--queue', `redis://${app}-redis:6379/0`, '--store', '/store', '--id', '$(POD_NAME)', '--devices', o.gpus ? '0' : 'cpu'],
                env: [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }, passwordEnv],
                resources: {
                  ...(o.gpus || memory ? { limits: { ...(o.gpus ? { 'nvidia.com/gpu': 1 } : {}), ...(memory ? { memory } : {}) } } : {}),
                  ...(memory ? { requests: { memory } } : {}),
                },
                volumeMounts: [{ name: 'store', mountPath: '/store' }],
              },
            ],
            volumes: [{ name: 'store', persistentVolumeClaim: { claimName: `${app}-store` } }],
          },
        },
      },
    },
  ];
}

export default async function deploy(ctx: CommandContext): Promise<number> {
  const [target, spec] = ctx.positionals;
  if (target !== 'k8s') throw new UsageError(`dlc deploy knows one target, k8s; got '${target ?? ''}'`);
  if (spec === undefined) throw new UsageError('dlc deploy k8s needs a spec file');
  const result = compileSpec({ ...ctx, positionals: [spec] }, 'plan');
  if (!result.ok || !result.plan) return 1;
  const plan = result.plan;
  const devices = plan.resources.devices;
  const gpus = devices === 'gpu' || Array.isArray(devices);
  const replicas = typeof ctx.flags.replicas === 'string' ? Number(ctx.flags.replicas) : plan.resources.workers;
  if (!Number.isInteger(replicas) || replicas < 1) throw new UsageError(`--replicas takes a whole number ≥ 1, got '${String(ctx.flags.replicas)}'`);
  const { stringify } = await import('yaml');
  const docs = k8sManifests({
    name: plan.name,
    replicas,
    gpus,
    image: typeof ctx.flags.image === 'string' ? ctx.flags.image : 'dlc-worker:latest',
    storage: typeof ctx.flags.storage === 'string' ? ctx.flags.storage : '100Gi',
    ...(typeof ctx.flags['storage-class'] === 'string' ? { storageClass: ctx.flags['storage-class'] } : {}),
    ...(plan.resources.memory_per_worker_bytes !== undefined ? { memoryPerWorker: plan.resources.memory_per_worker_bytes } : {}),
  });
  const app = `dlc-${plan.name}`.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 50);
  const header = [
    `# Kubernetes manifests for ${plan.name}: Redis (AOF), a shared store volume, ${replicas} dlc worker(s)${gpus ? ' with one GPU each' : ''}.`,
    `# Create the Redis password first (it never appears in these files):`,
    `#   kubectl create secret generic ${app}-redis --from-literal=password="$(openssl rand -hex 24)"`,
    `# then: dlc deploy k8s ${spec} | kubectl apply -f -`,
    `# and run the driver where it can reach Redis and mount the store at /store:`,
    `#   DLC_REDIS_PASSWORD=... dlc run ${spec} --cluster redis://${app}-redis:6379/0 --store /store`,
  ].join('\n');
  ctx.stdout.write(`${header}\n${docs.map((d) => stringify(d, { lineWidth: 0 })).join('---\n')}`);
  return 0;
}
