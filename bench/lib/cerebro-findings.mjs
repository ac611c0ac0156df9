// Where a run of the five strategies over 8 configurations agrees with Cerebro's findings (Nakandala et al.,
// VLDB 2020: Table 2's communication costs, Fig. 7's runtimes and learning curves) and where it does not,
// decided from the measured numbers, each with the reason.
const x = (v) => `${Number.isFinite(v) ? v.toFixed(2) : v}×`;
const pct = (v) => `${(100 * v).toFixed(1)}%`;
const MIB = 2 ** 20;
const mib = (b) => `${(b / MIB).toFixed(1)} MiB`;

/**
 * `r` maps hopper, task, data, ps, average to a run's figures: perEpoch (seconds per epoch of all
 * configurations), bytes (measured), estimate (dlc's), cerebro (the formula's bytes), held (data the
 * workers held), best (best val_accuracy), steps (mini-batches per epoch). Returns rows [finding, here, agrees, why].
 */
export function cerebroFindings(r, { workers, rounds }) {
  const rows = [];
  const add = (finding, here, agrees, why) => rows.push([finding, here, agrees ? 'agrees' : 'does not agree', why]);

  // Within 10% counts as as fast (the hopper benchmark's target), judged on the ratio as shown.
  const hopTask = r.hopper.perEpoch / r.task.perEpoch;
  const asFast = Math.round(hopTask * 100) / 100 <= 1.1;
  add(
    'Model hopper is about as fast as task parallelism with full replicas',
    `hopper ${r.hopper.perEpoch.toFixed(2)} s per epoch, task ${r.task.perEpoch.toFixed(2)} s: ${x(hopTask)} (within 1.10× counts as as fast)`,
    asFast,
    asFast
      ? 'both keep every worker training a whole model; hopper\'s extra checkpoints (one per unit, read when a model changes worker) are small next to a unit\'s compute'
      : `hopper writes a checkpoint after every unit (${workers} per epoch per configuration, task 1) and reads one when a model changes worker; with a 0.4 MB model and 2,400-row partitions a unit is short, so that I/O and the hand-off between units show, and a shared machine makes units uneven`,
  );

  if (r.hopper.held && r.task.held) {
    const copies = r.task.held.total / r.hopper.held.total;
    add(
      'Model hopper stores the data once; task parallelism stores a copy per worker',
      `workers held ${mib(r.hopper.held.total)} under hopper, ${mib(r.task.held.total)} under task: ${x(copies)}`,
      copies >= 0.9 * workers,
      copies >= 0.9 * workers ? `each of the ${workers} workers loads every partition under task parallelism, and only its own under hopper` : 'not every worker trained under task parallelism in this run',
    );
  }

  const dataHop = r.data.bytes / r.hopper.bytes;
  const psHop = r.ps.bytes / r.hopper.bytes;
  add(
    'Data parallelism moves far more bytes than model hopping (a model per mini-batch against a model per unit)',
    `all-reduce ${mib(r.data.bytes)}, parameter server ${mib(r.ps.bytes)}, hopper ${mib(r.hopper.bytes)}: ${x(dataHop)} and ${x(psHop)}`,
    dataHop > 10 && psHop > 10,
    `${Math.round(r.data.steps)} mini-batches per epoch each exchange the gradients, where hopper moves a checkpoint per unit; dlc's checkpoint is 3 models (weights and Adam's two moments), which narrows the gap by 3× but not the order of magnitude`,
  );

  const dataTime = r.data.perEpoch / r.hopper.perEpoch;
  const psTime = r.ps.perEpoch / r.hopper.perEpoch;
  add(
    'Per-mini-batch synchronisation (Horovod\'s all-reduce, a parameter server) makes model selection slower than model hopping',
    `per epoch: all-reduce ${x(dataTime)}, parameter server ${x(psTime)} hopper's time`,
    dataTime > 1 && psTime > 1,
    dataTime > 1 && psTime > 1
      ? 'every mini-batch waits for the exchange and for the slower member; a step of this small model is a few milliseconds of compute, so the wait dominates, and 8 configurations keep hopper\'s workers all busy without it'
      : 'the exchange of this small model is fast between local processes, and the step\'s compute split in two outweighed it here',
  );

  const avgGap = r.hopper.best - r.average.best;
  add(
    'Model averaging converges worse than sequential SGD (Fig. 7)',
    `best val_accuracy: averaging ${r.average.best.toFixed(4)}, hopper ${r.hopper.best.toFixed(4)} (${avgGap >= 0 ? '−' : '+'}${pct(Math.abs(avgGap))})`,
    avgGap >= 0.01,
    avgGap >= 0.01
      ? 'each replica trains on its half for a quarter epoch before the average, so the model takes half as many steps per epoch'
      : `dlc averages ${rounds} times per epoch, weights and Adam's state, over only ${workers} replicas on a small, homogeneous subset: the replicas barely drift apart between averages. Cerebro averaged once per epoch over 8 workers on large data, where the gap shows`,
  );

  const hopTaskAcc = Math.abs(r.hopper.best - r.task.best);
  add(
    'Model hopping reaches the accuracy of sequential training (task parallelism)',
    `best val_accuracy: hopper ${r.hopper.best.toFixed(4)}, task ${r.task.best.toFixed(4)}`,
    hopTaskAcc <= 0.02,
    hopTaskAcc <= 0.02 ? 'each model sees every partition once per epoch, one mini-batch after another, as on one worker; only the order of the partitions differs' : 'the partition order differs from task parallelism\'s single pass, and on 2 epochs of a small subset that moved the result more than usual',
  );

  // Cerebro's byte formulas against what was measured.
  const ratio = (k) => r[k].bytes / r[k].cerebro;
  add(
    'Model hopper moves k·m·p·|S| + m·|S| (Table 2)',
    `measured ${mib(r.hopper.bytes)}, formula ${mib(r.hopper.cerebro)}: ${x(ratio('hopper'))}`,
    Math.abs(ratio('hopper') - 1) <= 0.1,
    'the formula counts one copy of the weights per hop; dlc moves checkpoints through the store, weights with Adam\'s two moments and a header (3·m), written after every unit and read when the model lands on a worker that does not hold it',
  );
  add(
    'Task parallelism with full replicas moves p·⟨D⟩ + m·|S|',
    `measured ${mib(r.task.bytes)}, formula ${mib(r.task.cerebro)}: ${x(ratio('task'))}`,
    Math.abs(ratio('task') - 1) <= 0.1,
    'the formula counts copying the data to every worker; dlc\'s local workers load it from the shared store (not counted as moved between workers), and the model state moved is a checkpoint per epoch',
  );
  add(
    'All-reduce moves 2·k·m·(p−1)·|S|·|D|/(b·p)',
    `measured ${mib(r.data.bytes)}, formula ${mib(r.data.cerebro)}: ${x(ratio('data'))}`,
    Math.abs(ratio('data') - 1) <= 0.1,
    `the formula is what one member sends; the group sends p = ${workers} times that (plus a checkpoint per epoch)`,
  );
  add(
    'A parameter server moves 2·k·m·p·|S|·|D|/(b·p)',
    `measured ${mib(r.ps.bytes)}, formula ${mib(r.ps.cerebro)}: ${x(ratio('ps'))}`,
    Math.abs(ratio('ps') - 1) <= 0.1,
    `dlc's server is member 0, so p − 1 members push a gradient and pull the weights per mini-batch, 2·(p−1)·m, which is the formula's 2·m at p = 2 only (here p = ${workers}); the weights broadcast twice per epoch and a checkpoint per epoch come on top`,
  );
  add(
    'Model averaging moves 2·k·m·p·|S|',
    `measured ${mib(r.average.bytes)}, formula ${mib(r.average.cerebro)}: ${x(ratio('average'))}`,
    Math.abs(ratio('average') - 1) <= 0.1,
    `the formula averages the weights once per epoch; dlc averages ${rounds} times per epoch (sub-epochs), the optimizer's state with the weights, by ring all-reduce`,
  );
  return rows;
}
