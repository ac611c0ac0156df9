/**
 * The plan's DAG as SVG: waves as columns from left to right (every step's inputs are in columns to its
 * left), each step a box with its operation, its planner decision and how it ended.
 */
import type { ExecutionPlan } from '../../../compiler/phases/5-plan/plan-types.js';
import { formatSeconds } from '../format.js';
import type { NodeView } from '../view/run-state.js';
import { esc } from './escape.js';

const BOX_W = 140;
const BOX_H = 50;
const COL = 205;
const ROW = 70;
const PAD = 16;

const STATUS_CLASS: Record<string, string> = { completed: 'ok', cached: 'ok', failed: 'failed', stopped: 'running', running: 'running', pending: 'pending' };

export function dagSvg(plan: ExecutionPlan, nodes: readonly NodeView[]): string {
  const pos = new Map<string, { x: number; y: number }>();
  const tallest = Math.max(1, ...plan.waves.map((w) => w.length));
  const height = PAD * 2 + tallest * ROW - (ROW - BOX_H);
  plan.waves.forEach((wave, c) => {
    const offset = ((tallest - wave.length) * ROW) / 2;
    wave.forEach((id, r) => pos.set(id, { x: PAD + c * COL, y: PAD + offset + r * ROW }));
  });
  const width = PAD * 2 + Math.max(1, plan.waves.length) * COL - (COL - BOX_W);
  // Two outputs of one step feeding the same step (a split's train and validation) share one arrow.
  const merged = new Map<string, { from: string; to: string; outputs: string[]; at: string[] }>();
  for (const e of plan.edges) {
    const key = `${e.from}→${e.to}`;
    const m = merged.get(key) ?? { from: e.from, to: e.to, outputs: [], at: [] };
    if (!m.outputs.includes(e.output)) m.outputs.push(e.output);
    m.at.push(e.at);
    merged.set(key, m);
  }
  const edges = [...merged.values()]
    .map((e) => {
      const a = pos.get(e.from);
      const b = pos.get(e.to);
      if (!a || !b) return '';
      const x1 = a.x + BOX_W;
      const y1 = a.y + BOX_H / 2;
      const x2 = b.x;
      const y2 = b.y + BOX_H / 2;
      const mx = (x1 + x2) / 2;
      const outputs = e.outputs.filter((o) => o !== 'default');
      // One output per line, stacked above the arrow's middle, so names fit between the columns.
      const top = (y1 + y2) / 2 - 6 - 12 * (outputs.length - 1);
      const label = outputs.map((o, i) => `<text class="edge-label" x="${mx}" y="${top + 12 * i}" text-anchor="middle">${esc(o)}</text>`).join('');
      return `<path class="edge" d="M${x1} ${y1} C${mx} ${y1} ${mx} ${y2} ${x2 - 6} ${y2}" marker-end="url(#arrow)"><title>${esc(`${e.outputs.map((o) => `${e.from}.${o}`).join(', ')} → ${e.to} (${e.at.join(', ')})`)}</title></path>${label}`;
    })
    .join('');
  const boxes = plan.nodes
    .map((n) => {
      const p = pos.get(n.id);
      if (!p) return '';
      const view = nodes.find((v) => v.id === n.id);
      const status = view?.status ?? 'pending';
      const strategy = n.decision?.strategy ? ` · ${n.decision.strategy}` : '';
      const time = view?.seconds !== undefined ? ` · ${formatSeconds(view.seconds)}` : '';
      const title = [`${n.id} (${n.op})`, `status: ${status}`, n.decision ? `decision: ${n.decision.strategy ?? 'none'} — ${n.decision.reason}` : '', view?.error ? `error: ${view.error}` : ''].filter(Boolean).join('\n');
      return `<g class="node ${STATUS_CLASS[status] ?? 'pending'}" transform="translate(${p.x} ${p.y})"><title>${esc(title)}</title><rect width="${BOX_W}" height="${BOX_H}" rx="6"/><text x="10" y="20" class="node-id">${esc(n.id)}</text><text x="10" y="38" class="node-op">${esc(`${n.op}${strategy}${time}`)}</text></g>`;
    })
    .join('');
  const defs = `<defs><marker id="arrow" viewBox="0 0 10 10" refX="6" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z" fill="#8a94a6"/></marker></defs>`;
  return `<svg class="chart dag" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="the plan's DAG">${defs}${edges}${boxes}</svg>`;
}
