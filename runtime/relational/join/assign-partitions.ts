/**
 * Which worker owns which partition: largest first, each to the least loaded worker so far (LPT). Balances
 * uneven partitions, a skewed key's partition above all, better than partition i to worker i mod n.
 */
export function assignPartitions(sizes: number[], workers: number): number[] {
  const owner = new Array<number>(sizes.length).fill(0);
  const load = new Array<number>(workers).fill(0);
  const order = sizes.map((_, i) => i).sort((a, b) => sizes[b]! - sizes[a]! || a - b);
  for (const p of order) {
    let w = 0;
    for (let k = 1; k < workers; k++) if (load[k]! < load[w]!) w = k;
    owner[p] = w;
    load[w]! += sizes[p]!;
  }
  return owner;
}
