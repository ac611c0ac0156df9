/**
 * The report's charts as inline SVG strings: learning curves, the units-per-worker Gantt chart of model
 * hopping, and the objective against each hyperparameter. Every mark carries a <title> (the browser's
 * tooltip) and a `data-trial`, which the page's script uses to highlight one trial everywhere.
 */
import { formatNumber, formatSeconds, formatValue } from '../format.js';
import type { RankedTrial } from '../view/leaderboard.js';
import type { UnitView } from '../view/run-state.js';
import type { Lane } from '../view/timeline.js';
import { esc } from './escape.js';
import { linearScale, logScale, type Scale, trialHex } from './scale.js';

interface Box {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

function xAxis(s: Scale, b: Box, label: string): string {
  const y = b.height - b.bottom;
  const ticks = s.ticks.map((t) => `<g class="tick"><line x1="${s(t)}" x2="${s(t)}" y1="${y}" y2="${y + 4}"/><text x="${s(t)}" y="${y + 16}" text-anchor="middle">${esc(s.format(t))}</text></g>`).join('');
  return `<g class="axis"><line x1="${b.left}" x2="${b.width - b.right}" y1="${y}" y2="${y}"/>${ticks}<text class="label" x="${(b.left + b.width - b.right) / 2}" y="${b.height - 4}" text-anchor="middle">${esc(label)}</text></g>`;
}

function yAxis(s: Scale, b: Box, label: string): string {
  const ticks = s.ticks
    .map((t) => `<g class="tick"><line class="grid" x1="${b.left}" x2="${b.width - b.right}" y1="${s(t)}" y2="${s(t)}"/><text x="${b.left - 6}" y="${s(t) + 4}" text-anchor="end">${esc(s.format(t))}</text></g>`)
    .join('');
  return `<g class="axis">${ticks}<text class="label" transform="translate(12 ${(b.top + b.height - b.bottom) / 2}) rotate(-90)" text-anchor="middle">${esc(label)}</text></g>`;
}

const svgOpen = (b: Box, cls: string, label: string): string => `<svg class="${cls}" viewBox="0 0 ${b.width} ${b.height}" width="${b.width}" height="${b.height}" role="img" aria-label="${esc(label)}">`;

/** One chart per metric: the metric after each epoch, one line per trial, the best trial drawn thicker. */
export function learningCurveSvg(ranked: readonly RankedTrial[], metric: string): string {
  const b: Box = { width: 900, height: 300, left: 56, right: 16, top: 12, bottom: 40 };
  const points = ranked.flatMap((r) => r.trial.epochs.map((m, i) => ({ r, epoch: i + 1, v: m?.[metric] })).filter((p): p is { r: RankedTrial; epoch: number; v: number } => typeof p.v === 'number' && Number.isFinite(p.v)));
  if (points.length === 0) return `${svgOpen(b, 'chart curves', `${metric} by epoch`)}<text x="${b.width / 2}" y="${b.height / 2}" text-anchor="middle" class="empty">no epoch has finished</text></svg>`;
  const maxEpoch = Math.max(...points.map((p) => p.epoch));
  const x = linearScale(1, Math.max(2, maxEpoch), b.left, b.width - b.right, Math.min(10, maxEpoch));
  x.ticks = x.ticks.filter((t) => Number.isInteger(t) && t >= 1);
  const y = linearScale(Math.min(...points.map((p) => p.v)), Math.max(...points.map((p) => p.v)), b.height - b.bottom, b.top);
  const lines = [...ranked]
    .reverse()
    .map((r) => {
      const pts = points.filter((p) => p.r === r);
      if (pts.length === 0) return '';
      const d = pts.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.epoch).toFixed(1)} ${y(p.v).toFixed(1)}`).join(' ');
      const color = trialHex(r.trial.trial);
      const dots = pts.map((p) => `<circle cx="${x(p.epoch).toFixed(1)}" cy="${y(p.v).toFixed(1)}" r="3"><title>trial ${r.trial.trial} epoch ${p.epoch}: ${esc(metric)} ${formatNumber(p.v)}</title></circle>`).join('');
      return `<g class="trial${r.best ? ' best' : ''}" data-trial="${r.trial.trial}" stroke="${color}" fill="${color}"><path d="${d}" fill="none"/>${dots}</g>`;
    })
    .join('');
  return `${svgOpen(b, 'chart curves', `${metric} by epoch, one line per trial`)}${yAxis(y, b, metric)}${xAxis(x, b, 'epoch')}${lines}</svg>`;
}

/**
 * Model hopping over time: a lane per worker, a bar per unit (trial, epoch, partition) from its start to
 * its end, coloured by trial. Lost and failed units are hatched red.
 */
export function ganttSvg(lanes: readonly Lane[], end: number): string {
  const units = lanes.flatMap((l) => l.units);
  const laneHeight = 34;
  const b: Box = { width: 960, height: 0, left: 56, right: 16, top: 8, bottom: 40 };
  b.height = b.top + b.bottom + laneHeight * Math.max(1, lanes.length);
  if (units.length === 0) return `${svgOpen(b, 'chart gantt', 'units per worker')}<text x="${b.width / 2}" y="${b.height / 2}" text-anchor="middle" class="empty">no unit of work was run</text></svg>`;
  const t0 = Math.min(...units.map((u) => u.start));
  const t1 = Math.max(t0 + 1, ...units.map((u) => u.end ?? end));
  const x = linearScale(0, (t1 - t0) / 1000, b.left, b.width - b.right, 10);
  const at = (ms: number) => x((ms - t0) / 1000);
  const bar = (u: UnitView, row: number): string => {
    const x0 = at(u.start);
    const w = Math.max(1, at(u.end ?? end) - x0);
    const yTop = b.top + row * laneHeight + 4;
    const h = laneHeight - 8;
    const bad = u.status === 'failed' || u.status === 'lost';
    const label = `t${u.trial} p${u.partition}`;
    const seconds = ((u.end ?? end) - u.start) / 1000;
    const title = `trial ${u.trial}, epoch ${u.epoch + 1}, partition ${u.partition} on ${(u.workers ?? [u.worker]).join(' + ')}: ${u.status}, ${formatSeconds(seconds)}`;
    return `<g class="unit trial${bad ? ' bad' : ''}" data-trial="${u.trial}"><rect x="${x0.toFixed(1)}" y="${yTop}" width="${w.toFixed(1)}" height="${h}" fill="${bad ? 'url(#lost)' : trialHex(u.trial)}" rx="2"><title>${esc(title)}</title></rect>${w > 7 * label.length ? `<text x="${(x0 + w / 2).toFixed(1)}" y="${yTop + h / 2 + 4}" text-anchor="middle">${esc(label)}</text>` : ''}</g>`;
  };
  const rows = lanes
    .map((lane, i) => `<text class="lane" x="${b.left - 8}" y="${b.top + i * laneHeight + laneHeight / 2 + 4}" text-anchor="end">${esc(lane.worker)}</text>${lane.units.map((u) => bar(u, i)).join('')}`)
    .join('');
  const defs = `<defs><pattern id="lost" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#fde2e2"/><line x1="0" y1="0" x2="0" y2="6" stroke="#d62728" stroke-width="3"/></pattern></defs>`;
  const grid = x.ticks.map((t) => `<line class="grid" x1="${x(t)}" x2="${x(t)}" y1="${b.top}" y2="${b.height - b.bottom}"/>`).join('');
  return `${svgOpen(b, 'chart gantt', 'units of work per worker over time')}${defs}${grid}${xAxis(x, b, 'seconds since the first unit')}${rows}</svg>`;
}

/** The objective against one hyperparameter: numbers on a linear or log axis, anything else as categories. */
export function paramScatterSvg(ranked: readonly RankedTrial[], param: string, metric: string): string {
  const b: Box = { width: 300, height: 220, left: 56, right: 16, top: 12, bottom: 40 };
  const pts = ranked.filter((r) => r.value !== null && param in r.trial.params).map((r) => ({ r, v: r.value!, p: r.trial.params[param] }));
  if (pts.length === 0) return `${svgOpen(b, 'chart scatter', `${metric} by ${param}`)}<text x="${b.width / 2}" y="${b.height / 2}" text-anchor="middle" class="empty">no trial has a value yet</text></svg>`;
  const numeric = pts.every((p) => typeof p.p === 'number');
  let x: Scale;
  let position: (p: unknown) => number;
  if (numeric) {
    const values = pts.map((p) => p.p as number);
    const lo = Math.min(...values);
    const hi = Math.max(...values);
    x = lo > 0 && hi / lo >= 10 ? logScale(lo, hi, b.left + 12, b.width - b.right - 12) : linearScale(lo, hi, b.left + 12, b.width - b.right - 12, 4);
    position = (p) => x(p as number);
  } else {
    const cats = [...new Set(pts.map((p) => formatValue(p.p)))];
    const step = (b.width - b.left - b.right) / cats.length;
    const s = ((v: number) => b.left + step * (v + 0.5)) as Scale;
    s.ticks = cats.map((_, i) => i);
    s.format = (i) => cats[i] ?? '';
    x = s;
    position = (p) => s(cats.indexOf(formatValue(p)));
  }
  // Trials sharing a value are spread a little so none hides another.
  const seen = new Map<string, number>();
  const y = linearScale(Math.min(...pts.map((p) => p.v)), Math.max(...pts.map((p) => p.v)), b.height - b.bottom, b.top, 4);
  const dots = pts
    .map((p) => {
      const key = formatValue(p.p);
      const k = seen.get(key) ?? 0;
      seen.set(key, k + 1);
      const dx = (k % 2 === 0 ? 1 : -1) * Math.ceil(k / 2) * 10;
      return `<circle class="trial${p.r.best ? ' best' : ''}" data-trial="${p.r.trial.trial}" cx="${(position(p.p) + dx).toFixed(1)}" cy="${y(p.v).toFixed(1)}" r="${p.r.best ? 6 : 4.5}" fill="${trialHex(p.r.trial.trial)}"><title>trial ${p.r.trial.trial}: ${esc(param)}=${esc(formatValue(p.p))}, ${esc(metric)} ${formatNumber(p.v)}</title></circle>`;
    })
    .join('');
  return `${svgOpen(b, 'chart scatter', `${metric} against ${param}`)}${yAxis(y, b, metric)}${xAxis(x, b, param)}${dots}</svg>`;
}
