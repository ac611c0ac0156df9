/** Numbers, durations and parameters as every reporter writes them, so a value reads the same everywhere. */
import type { Metrics } from '../events/types.js';

/** Four significant digits for fractions, whole numbers as they are, one decimal from 100 up. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) >= 100 ? v.toFixed(1) : v.toPrecision(4);
}

/** `0:07`, `12:34`, `1:02:03`: a clock reading, for elapsed times and estimates. */
export function formatClock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  const two = (n: number): string => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${two(m)}:${two(r)}` : `${m}:${two(r)}`;
}

/** `0.2s`, `14.8s`, `3m 05s`, `2h 01m`: a duration that took place. */
export function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const s = Math.round(seconds);
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return i === 0 ? `${v} B` : `${v.toFixed(v >= 100 ? 0 : 1)} ${units[i]}`;
}

/** A parameter's value as written in a spec: `0.003`, not `0.003000`. */
export function formatValue(v: unknown): string {
  if (typeof v === 'number') return Number.isFinite(v) ? String(Number(v.toPrecision(6))) : String(v);
  if (typeof v === 'string') return v;
  return JSON.stringify(v) ?? String(v);
}

export function paramsText(p: Record<string, unknown>): string {
  const entries = Object.entries(p);
  return entries.length === 0 ? '(no parameters)' : entries.map(([k, v]) => `${k}=${formatValue(v)}`).join(' ');
}

export function metricsText(m: Metrics): string {
  return Object.entries(m)
    .map(([k, v]) => `${k} ${formatNumber(v)}`)
    .join('  ');
}

/** Cuts text to `width` columns with an ellipsis (the text is assumed one column per character). */
export function clip(text: string, width: number): string {
  if (width <= 0) return '';
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}
