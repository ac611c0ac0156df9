/** `dlc show RUN`: what a run did, as text: outcome, workers, steps, trials best first, results, files. */
import { formatBytes, formatNumber, formatSeconds, formatValue, metricsText, paramsText } from '../format.js';
import type { RunRecord } from '../run-records/read-run.js';
import { metricNames, objectiveOf, rankTrials } from '../view/leaderboard.js';
import { displayPath, startedText } from './runs-list.js';
import { textTable } from './table.js';

const ICON: Record<string, string> = { completed: '✓', cached: '✓', failed: '✗', stopped: '■', running: '…', pending: '·' };

export function showText(r: RunRecord, cwd: string): string[] {
  const s = r.state;
  const out: string[] = [];
  const status = r.status === 'unfinished' ? 'unfinished (still running, or killed: dlc run --resume continues it)' : r.status;
  out.push(`${r.name}  ${r.id}`);
  out.push(`  status    ${status}${r.seconds !== null ? ` after ${formatSeconds(r.seconds)}` : ''}${s.finished?.error ? `: ${s.finished.error}` : ''}`);
  out.push(`  started   ${startedText(r.startedAt)}${s.run?.resumed ? ' (resumed since)' : ''}`);
  if (s.run) out.push(`  spec      ${displayPath(s.run.specFile, cwd)}  seed ${s.run.seed}`);
  out.push(`  directory ${displayPath(r.path, cwd)}`);
  if (s.workers.length > 0) out.push(`  workers   ${s.workers.map((w) => `${w.id} ${w.backend} on ${w.device}`).join(', ')}`);
  if (s.finished && s.finished.bytes_moved > 0) out.push(`  moved     ${formatBytes(s.finished.bytes_moved)} of model state between workers`);

  out.push('', 'steps');
  const rows = s.nodes.map((n) => {
    const rowsText = n.rows ? Object.entries(n.rows).map(([k, v]) => (k === 'default' ? `${v} rows` : `${k} ${v}`)).join(', ') : '';
    const detail = [rowsText, n.metrics ? metricsText(n.metrics) : '', n.path ? `→ ${displayPath(n.path, cwd)}` : '', n.error ?? ''].filter(Boolean).join('  ');
    return [`  ${ICON[n.status] ?? '?'} ${n.id}`, n.op, n.seconds !== undefined ? formatSeconds(n.seconds) : '', detail];
  });
  out.push(...textTable(['', '', '', ''], rows, ['left', 'left', 'right', 'left']).slice(1));

  for (const node of [...new Set(s.trials.map((t) => t.node))]) {
    const { metric, mode } = objectiveOf(s, node);
    const ranked = rankTrials(s, node);
    const params = [...new Set(ranked.flatMap((x) => Object.keys(x.trial.params)))];
    const metrics = metricNames(s, node).filter((m) => m !== metric);
    out.push('', `trials of ${node}, best ${metric} (${mode}) first`);
    const table = textTable(
      ['', '#', ...params, 'epochs', 'status', metric, ...metrics, 'time'],
      ranked.map((x) => [
        x.best ? '★' : '',
        String(x.trial.trial),
        ...params.map((p) => formatValue(x.trial.params[p])),
        String(x.trial.epochs.length),
        x.trial.status.replace('_', ' '),
        x.value === null ? '–' : formatNumber(x.value),
        ...metrics.map((m) => (typeof x.latest[m] === 'number' ? formatNumber(x.latest[m]!) : '–')),
        x.trial.seconds !== undefined ? formatSeconds(x.trial.seconds) : '',
      ]),
      ['left', 'right', ...params.map(() => 'right' as const), 'right', 'left', 'right', ...metrics.map(() => 'right' as const), 'right'],
    );
    out.push(...table.map((l) => `  ${l}`));
    for (const x of ranked) if (x.trial.error) out.push(`  trial ${x.trial.trial}: ${x.trial.error}`);
  }

  const results: [string, string][] = [];
  if (r.best) {
    results.push(['best', `${r.best.node} trial ${r.best.trial} (${paramsText(r.best.params)})${r.best.value !== null ? `: ${r.best.metric} ${formatNumber(r.best.value)}` : ''}`]);
    if (r.best.model) results.push(['best model', displayPath(r.best.model, cwd)]);
  }
  for (const [node, m] of Object.entries(r.evaluations)) results.push([node, metricsText(m)]);
  if (results.length > 0) {
    const w = Math.max(...results.map(([k]) => k.length));
    out.push('', ...results.map(([k, v]) => `${k.padEnd(w)}  ${v}`));
  }
  const warnings = s.log.filter((l) => l.level !== 'info');
  if (warnings.length > 0) out.push('', 'warnings and errors', ...warnings.slice(-10).map((l) => `  ${l.level}: ${l.message}`));
  if (r.status === 'interrupted' || r.status === 'unfinished') out.push('', `continue with: dlc run --resume ${displayPath(r.path, cwd)}`);
  return out;
}
