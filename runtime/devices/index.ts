/** GPU discovery and worker placement: find the GPUs, decide which to use, pin one worker to each. */
export {
  nvidiaSmiArgs,
  parseNvidiaSmiCsv,
  queryGpus,
  QUERY_FIELDS,
  QUERY_FIELDS_WITHOUT_COMPUTE_CAP,
  type CommandResult,
  type Gpu,
  type GpuQuery,
  type ParsedGpuList,
  type RunCommand,
} from './nvidia-smi.js';
export { resolveDevices, type DeviceResolution, type DeviceSpec } from './resolve.js';
export {
  nodeArgsFor,
  planWorkers,
  type WorkerDevice,
  type WorkerEnv,
  type WorkerPlan,
  type WorkerPlanInput,
  type WorkerSlot,
} from './placement.js';
export { formatBytes, parseSize } from '../../compiler/spec/size.js';
