/**
 * A screen line as segments of styled text. Panes build lines, `<Line>` draws one, cut at the screen's
 * width so nothing wraps and the frame keeps its height. Without colour (NO_COLOR, --plain terminals) the
 * same segments are drawn unstyled.
 */
import { Text } from 'ink';
import { createContext, useContext } from 'react';

export interface Seg {
  text: string;
  color?: string;
  bold?: boolean;
  dim?: boolean;
}

export type Segs = Seg[];

export const ColorContext = createContext(true);

export const seg = (text: string, style: Omit<Seg, 'text'> = {}): Seg => ({ text, ...style });

export const segsWidth = (segs: readonly Seg[]): number => segs.reduce((n, s) => n + [...s.text].length, 0);

/** Pads (or cuts) a run of segments to exactly `width` columns. */
export function fit(segs: readonly Seg[], width: number): Seg[] {
  const out: Seg[] = [];
  let left = width;
  for (const s of segs) {
    if (left <= 0) break;
    const chars = [...s.text];
    if (chars.length <= left) {
      out.push(s);
      left -= chars.length;
    } else {
      out.push({ ...s, text: `${chars.slice(0, Math.max(0, left - 1)).join('')}…` });
      left = 0;
    }
  }
  if (left > 0) out.push({ text: ' '.repeat(left) });
  return out;
}

export function Line({ segs, width }: { segs: readonly Seg[]; width: number }) {
  const color = useContext(ColorContext);
  const cut = fit(segs, width);
  // Trailing blanks are dropped: they only make captured screens and logs wider.
  while (cut.length > 0 && cut.at(-1)!.text.trim() === '' && cut.at(-1)!.color === undefined) cut.pop();
  return (
    <Text wrap="truncate-end">
      {cut.length === 0
        ? ' '
        : cut.map((s, i) =>
            color ? (
              <Text key={i} {...(s.color !== undefined ? { color: s.color } : {})} bold={s.bold === true} dimColor={s.dim === true}>
                {s.text}
              </Text>
            ) : (
              <Text key={i}>{s.text}</Text>
            ),
          )}
    </Text>
  );
}

/** A section title: `─ name ─────── note`. */
export function titleSegs(name: string, width: number, note = ''): Seg[] {
  const left = `─ ${name} `;
  const right = note ? ` ${note} ` : '';
  const rule = Math.max(1, width - left.length - right.length);
  return [seg('─ ', { dim: true }), seg(name, { bold: true }), seg(` ${'─'.repeat(rule)}`, { dim: true }), ...(right ? [seg(right, { dim: true })] : [])];
}
