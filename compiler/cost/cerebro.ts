/**
 * The reference the training traffic estimate is checked against: Cerebro's communication costs over a
 * whole run (VLDB 2020, Table 2 with its errata), with k epochs, |S| configurations, p workers, m model
 * bytes, ⟨D⟩ dataset bytes and |D|/b mini-batches per epoch:
 *
 *   model hopper (MOP)             k·m·p·|S| + m·|S|                 storage ⟨D⟩ (partitioned)
 *   task parallel, full replicas   p·⟨D⟩ + m·|S|                     storage p·⟨D⟩
 *   task parallel, remote reads    k·|S|·⟨D⟩ + m·|S|                 storage ⟨D⟩
 *   model averaging / BSP          2·k·m·p·|S|                       storage ⟨D⟩
 *   parameter server               2·k·m·p·|S|·|D|/(b·p)             storage ⟨D⟩
 *   all-reduce                     2·k·m·(p−1)·|S|·|D|/(b·p)         storage ⟨D⟩
 *
 * The planner decides with what dlc itself moves (training-traffic.ts); these stay beside it in
 * `dlc plan --explain` so a reader sees both and why they differ.
 */

export interface RunShape {
  /** |S|: configurations trained. */
  configurations: number;
  /** p */
  workers: number;
  /** k */
  epochs: number;
  /** m: bytes of one model's weights. */
  modelBytes: number;
  /** ⟨D⟩ */
  datasetBytes: number;
  /** |D| */
  datasetRows: number;
  /** b */
  batchSize: number;
  /** Hopper's partitions; Cerebro has one per worker. */
  partitions?: number;
}

/** Bytes moved over a run and bytes stored, per the table above. */
export interface Traffic {
  bytesMoved: number;
  storage: number;
}

export const CEREBRO_FORMULA = {
  hopper: 'k·m·p·|S| + m·|S|',
  taskReplicas: 'p·⟨D⟩ + m·|S|',
  taskRemote: 'k·|S|·⟨D⟩ + m·|S|',
  averaging: '2·k·m·p·|S|',
  parameterServer: '2·k·m·p·|S|·|D|/(b·p)',
  allReduce: '2·k·m·(p−1)·|S|·|D|/(b·p)',
} as const;

export function hopperTraffic(r: RunShape): Traffic {
  const visits = r.partitions ?? r.workers;
  return { bytesMoved: r.epochs * r.modelBytes * visits * r.configurations + r.modelBytes * r.configurations, storage: r.datasetBytes };
}
export function taskReplicaTraffic(r: RunShape): Traffic {
  return { bytesMoved: r.workers * r.datasetBytes + r.modelBytes * r.configurations, storage: r.workers * r.datasetBytes };
}
export function taskRemoteTraffic(r: RunShape): Traffic {
  return { bytesMoved: r.epochs * r.configurations * r.datasetBytes + r.modelBytes * r.configurations, storage: r.datasetBytes };
}
export function averagingTraffic(r: RunShape): Traffic {
  return { bytesMoved: 2 * r.epochs * r.modelBytes * r.workers * r.configurations, storage: r.datasetBytes };
}
export function parameterServerTraffic(r: RunShape): Traffic {
  return { bytesMoved: (2 * r.epochs * r.modelBytes * r.workers * r.configurations * r.datasetRows) / (r.batchSize * r.workers), storage: r.datasetBytes };
}
export function allReduceTraffic(r: RunShape): Traffic {
  return { bytesMoved: (2 * r.epochs * r.modelBytes * (r.workers - 1) * r.configurations * r.datasetRows) / (r.batchSize * r.workers), storage: r.datasetBytes };
}
