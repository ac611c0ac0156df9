/** The format an export step writes: its `format`, or else what its path's extension says. */
import type { ExportStep } from './types.js';

export type ExportFormat = NonNullable<ExportStep['format']>;

const BY_EXTENSION: Record<string, ExportFormat> = {
  '.parquet': 'parquet', '.arrow': 'arrow', '.ipc': 'arrow', '.feather': 'arrow', '.csv': 'csv', '.json': 'json', '.jsonl': 'json', '.ndjson': 'json',
};

/** Undefined when neither the step nor the path's extension says (the runtime reports that). */
export function exportFormatOf(step: Pick<ExportStep, 'format' | 'path'>): ExportFormat | undefined {
  if (step.format) return step.format;
  const dot = step.path.lastIndexOf('.');
  return dot > step.path.lastIndexOf('/') ? BY_EXTENSION[step.path.slice(dot).toLowerCase()] : undefined;
}
