/**
 * `dlc report`: one self-contained HTML page about a run, drawn from its directory alone (plan.json and
 * events.ndjson): outcome and results, learning curves, the model hopping Gantt chart, the objective against
 * each hyperparameter, trials, the plan's DAG with its decisions. Styles, charts and the small script are
 * inline; the page loads nothing from anywhere, so it can be mailed or archived with the run.
 */
import type { Decision, DecisionInput } from '../../../compiler/phases/5-plan/plan-types.js';
import { formatBytes, formatNumber, formatSeconds, formatValue, paramsText } from '../format.js';
import type { RunRecord } from '../run-records/read-run.js';
import { displayPath, startedText } from '../text/runs-list.js';
import { metricNames, objectiveOf, rankTrials } from '../view/leaderboard.js';
import { lanesOf } from '../view/timeline.js';
import { ganttSvg, learningCurveSvg, paramScatterSvg } from './charts.js';
import { dagSvg } from './dag-svg.js';
import { esc } from './escape.js';
import { REPORT_CSS, REPORT_JS } from './report-assets.js';
import { trialHex } from './scale.js';

const table = (head: string[], rows: string[][], cls = ''): string =>
  `<table${cls ? ` class="${cls}"` : ''}><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.join('')}</tr>`).join('')}</tbody></table>`;
const td = (v: string, cls = ''): string => `<td${cls ? ` class="${cls}"` : ''}>${v}</td>`;

/** Bytes as the planner's own notes write them (KiB, MiB), so the inputs and the notes agree. */
function binaryBytes(v: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let x = v;
  let i = 0;
  while (Math.abs(x) >= 1024 && i < units.length - 1) {
    x /= 1024;
    i++;
  }
  return i === 0 ? `${x} B` : `${x.toFixed(x >= 100 ? 0 : 1)} ${units[i]}`;
}

function inputValue(input: DecisionInput): string {
  if (input.value === null) return 'unknown';
  if (typeof input.value === 'number' && input.unit === 'B') return binaryBytes(input.value);
  if (typeof input.value === 'number' && input.unit?.endsWith('/s') && input.unit.startsWith('B')) return `${binaryBytes(input.value)}/s`;
  const v = typeof input.value === 'number' ? input.value.toLocaleString('en-US', { maximumSignificantDigits: 6 }) : formatValue(input.value);
  return input.unit ? `${v} ${input.unit}` : v;
}

/** A planner decision: what was asked and chosen, why, every alternative's estimate, and the inputs used. */
function decisionBlock(id: string, d: Decision): string {
  const bytes = d.alternatives.some((a) => a.bytes_moved !== undefined || a.storage_bytes !== undefined);
  const sizeOf = (v: number | null | undefined): string => (v === undefined || v === null ? '–' : esc(binaryBytes(v)));
  const alternatives =
    d.alternatives.length === 0
      ? '<p class="muted">no alternatives were estimated</p>'
      : table(
          ['strategy', 'estimate', ...(bytes ? ['moved', 'stored'] : []), 'feasible', 'note'],
          d.alternatives.map((a) => [
            td(a.strategy === d.strategy ? `<b>${esc(a.strategy)}</b>&nbsp;✓` : esc(a.strategy), 'nowrap'),
            td(a.cost === null ? '–' : `${esc(formatNumber(a.cost))}&nbsp;${esc(a.unit)}`, 'num nowrap'),
            ...(bytes ? [td(sizeOf(a.bytes_moved), 'num nowrap'), td(sizeOf(a.storage_bytes), 'num nowrap')] : []),
            td(a.feasible ? 'yes' : '<span class="bad">no</span>'),
            td(esc(a.note ?? '')),
          ]),
          'alternatives',
        );
  const inputs = Object.entries(d.inputs ?? {});
  const settings = Object.entries(d.settings ?? {});
  const inputsTable =
    inputs.length === 0
      ? ''
      : `<details><summary>${inputs.length} inputs the estimates used</summary>${table(
          ['input', 'value', 'from', 'how'],
          inputs.map(([k, v]) => [td(`<code>${esc(k)}</code>`), td(esc(inputValue(v)), 'num nowrap'), td(esc(v.from), 'nowrap'), td(esc(v.note ?? ''), 'muted')]),
          'inputs',
        )}</details>`;
  return `<div class="decision">
  <h4><code>${esc(id)}</code> ${esc(d.kind)}: asked <b>${esc(d.requested)}</b>, chosen <b>${esc(d.strategy)}</b>${settings.length > 0 ? ` <span class="muted">(${settings.map(([k, v]) => `${esc(k)} ${esc(formatValue(v))}`).join(', ')})</span>` : ''}</h4>
  <p>${esc(d.reason)}</p>
  ${alternatives}
  ${inputsTable}
</div>`;
}

export function reportHtml(r: RunRecord, options: { cwd: string; generatedAt?: Date }): string {
  const s = r.state;
  const trainNodes = [...new Set([...s.nodes.filter((n) => n.op === 'train').map((n) => n.id), ...s.trials.map((t) => t.node)])].filter((n) => s.trials.some((t) => t.node === n));
  const status = r.status;
  const statusText = status === 'unfinished' ? 'unfinished' : status;
  const cards: string[] = [];
  if (r.best) {
    cards.push(
      `<div class="card best"><div class="k">best ${esc(r.best.metric)} (${esc(r.best.mode)})</div><div class="v">${r.best.value === null ? '–' : esc(formatNumber(r.best.value))}</div><div class="d">trial ${r.best.trial} of ${esc(r.best.node)}: ${esc(paramsText(r.best.params))}</div></div>`,
    );
  }
  for (const [node, metrics] of Object.entries(r.evaluations)) {
    cards.push(`<div class="card"><div class="k">${esc(node)}</div>${Object.entries(metrics).map(([k, v]) => `<div class="m"><span>${esc(k)}</span> <b>${esc(formatNumber(v))}</b></div>`).join('')}</div>`);
  }
  const unitsDone = s.units.filter((u) => u.status === 'completed').length;
  cards.push(
    `<div class="card"><div class="k">work</div><div class="m"><span>trials</span> <b>${s.trials.length}</b></div><div class="m"><span>units</span> <b>${unitsDone}</b></div>${s.finished ? `<div class="m"><span>model state moved</span> <b>${esc(formatBytes(s.finished.bytes_moved))}</b></div>` : ''}</div>`,
  );

  const files: string[] = [`<li>run directory <code>${esc(r.path)}</code></li>`];
  if (r.best?.model) files.push(`<li>best model <code>${esc(r.best.model)}</code> <span class="muted">(TensorFlow.js layers format: tf.loadLayersModel)</span></li>`);
  for (const [node, path] of Object.entries(r.outputs)) if (path !== r.best?.model) files.push(`<li>${esc(node)} <code>${esc(path)}</code></li>`);

  const sections: string[] = [];
  for (const node of trainNodes) {
    const ranked = rankTrials(s, node);
    const { metric, mode } = objectiveOf(s, node);
    const metrics = metricNames(s, node);
    const params = [...new Set(ranked.flatMap((x) => Object.keys(x.trial.params)))];
    const legend = ranked
      .map((x) => `<li class="trial${x.best ? ' best' : ''}" data-trial="${x.trial.trial}"><span class="swatch" style="background:${trialHex(x.trial.trial)}"></span>trial ${x.trial.trial} <span class="muted">${esc(paramsText(x.trial.params))}</span>${x.best ? ' ★' : ''}</li>`)
      .join('');
    const tabs = metrics.map((m, i) => `<button type="button" class="tab${i === 0 ? ' on' : ''}" data-metric="${esc(m)}">${esc(m)}</button>`).join('');
    const curves = metrics.map((m, i) => `<div class="curve" data-metric="${esc(m)}"${i === 0 ? '' : ' hidden'}>${learningCurveSvg(ranked, m)}</div>`).join('');
    const lanes = lanesOf(s, node).filter((l) => l.units.length > 0);
    const end = s.finished?.at ?? s.lastAt;
    const trialRows = ranked.map((x) => [
      td(`<span class="swatch" style="background:${trialHex(x.trial.trial)}"></span>${x.trial.trial}${x.best ? ' ★' : ''}`),
      ...params.map((p) => td(esc(formatValue(x.trial.params[p])), 'num')),
      td(String(x.trial.epochs.length), 'num'),
      td(`<span class="status ${esc(x.trial.status)}">${esc(x.trial.status.replace('_', ' '))}</span>`),
      td(x.value === null ? '–' : `<b>${esc(formatNumber(x.value))}</b>`, 'num'),
      ...metrics.filter((m) => m !== metric).map((m) => td(typeof x.latest[m] === 'number' ? esc(formatNumber(x.latest[m]!)) : '–', 'num')),
      td(x.trial.seconds !== undefined ? esc(formatSeconds(x.trial.seconds)) : '', 'num'),
      td(esc(x.trial.error ?? '')),
    ].map((c) => c.replace('<td', `<td data-trial="${x.trial.trial}"`)));
    sections.push(`
<section class="train" data-node="${esc(node)}">
  <h2>Search <code>${esc(node)}</code> <span class="muted">objective ${esc(metric)} (${esc(mode)})</span></h2>
  <ul class="legend">${legend}</ul>
  <h3>Learning curves</h3>
  <div class="tabs">${tabs}</div>
  <div class="curves">${curves}</div>
  <h3>Units of work per worker <span class="muted">(model hopping: each bar trains one trial on one partition for one epoch)</span></h3>
  <div class="scroll">${ganttSvg(lanes, end)}</div>
  <h3>${esc(metric)} against each hyperparameter</h3>
  <div class="grid">${params.length === 0 ? '<p class="muted">the search has no hyperparameters</p>' : params.map((p) => `<figure>${paramScatterSvg(ranked, p, metric)}</figure>`).join('')}</div>
  <h3>Trials, best first</h3>
  <div class="scroll">${table(['trial', ...params.map(esc), 'epochs', 'status', esc(metric), ...metrics.filter((m) => m !== metric).map(esc), 'time', ''], trialRows.map((row) => row), 'trials')}</div>
</section>`);
  }

  const plan = r.plan;
  const decisions = plan ? plan.nodes.filter((n) => n.decision).map((n) => decisionBlock(n.id, n.decision!)) : [];
  const stepRows = s.nodes.map((n) => [
    td(`<span class="status ${esc(n.status)}">${esc(n.status)}</span>`),
    td(`<b>${esc(n.id)}</b>`),
    td(esc(n.op)),
    td(n.seconds !== undefined ? esc(formatSeconds(n.seconds)) : '', 'num'),
    td(esc(n.rows ? Object.entries(n.rows).map(([k, v]) => (k === 'default' ? `${v} rows` : `${k} ${v}`)).join(', ') : '')),
    td(esc([n.metrics ? Object.entries(n.metrics).map(([k, v]) => `${k} ${formatNumber(v)}`).join('  ') : '', n.path ? `→ ${n.path}` : '', n.error ?? ''].filter(Boolean).join('  '))),
  ]);
  const warnings = s.log.filter((l) => l.level !== 'info');
  const workers = s.workers.map((w) => `${w.id}: ${w.backend} on ${w.device}`).join(', ');
  const generated = (options.generatedAt ?? new Date()).toISOString().replace('T', ' ').slice(0, 16);

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(r.name)} · ${esc(r.id)} · dlc report</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<header>
  <h1>${esc(r.name)} <span class="badge ${esc(status)}">${esc(statusText)}</span></h1>
  <p class="meta">run <code>${esc(r.id)}</code> · started ${esc(startedText(r.startedAt))}${r.seconds !== null ? ` · ${esc(formatSeconds(r.seconds))}` : ''}${s.run ? ` · spec <code>${esc(displayPath(s.run.specFile, options.cwd))}</code> · seed ${s.run.seed}` : ''}${workers ? ` · ${esc(workers)}` : ''}${s.run?.resumed ? ' · resumed' : ''}</p>
  ${s.finished?.error ? `<p class="error">${esc(s.finished.error)}</p>` : ''}
  ${status === 'interrupted' || status === 'unfinished' ? `<p class="note">Continue it with <code>dlc run --resume ${esc(displayPath(r.path, options.cwd))}</code></p>` : ''}
</header>
<main>
<section class="cards">${cards.join('')}</section>
<section><h2>Files</h2><ul class="files">${files.join('')}</ul></section>
${sections.join('\n')}
<section>
  <h2>Plan</h2>
  ${plan ? `<div class="scroll">${dagSvg(plan, s.nodes)}</div>` : '<p class="muted">plan.json could not be read</p>'}
  <h3>Decisions</h3>
  ${decisions.length > 0 ? decisions.join('\n') : '<p class="muted">this plan made no decisions</p>'}
  <h3>Steps</h3>
  ${table(['', 'step', 'op', 'time', 'rows', 'result'], stepRows, 'steps')}
</section>
${warnings.length > 0 ? `<section><h2>Warnings and errors</h2><ul class="log">${warnings.map((l) => `<li class="${esc(l.level)}">${esc(l.message)}</li>`).join('')}</ul></section>` : ''}
</main>
<footer>dlc report · generated ${esc(generated)} from ${esc(r.path)}</footer>
<script>${REPORT_JS}</script>
</body>
</html>
`;
}
