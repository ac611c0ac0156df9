import type { SourceProblem } from '../../../compiler/host.js';

/**
 * A problem found while inspecting one file. Format readers throw it from deep inside their parsing and
 * `inspectSource` turns it into a `SourceProblem`; nothing outside the inspector ever sees it thrown.
 */
export class SourceError extends Error {
  constructor(readonly kind: SourceProblem['kind'], readonly file: string, message: string) {
    super(message);
    this.name = 'SourceError';
  }

  toProblem(): SourceProblem {
    return { kind: this.kind, file: this.file, message: this.message };
  }
}

/** A directory where a file was expected: a partitioned source is written as a glob. */
export const directoryNotFile = (file: string): SourceError =>
  new SourceError('missing', file, `${file} is a directory, not a file (for partitioned data use a glob such as ${file}/*)`);

/** The file exists but its content is not what the format says it should be. Messages start with the path. */
export const corrupt = (file: string, detail: string): SourceError => new SourceError('corrupt', file, `${file}: ${detail}`);

/**
 * File-system failures as problems: a path that is absent, a directory, or unreadable is "missing" as far as
 * the pipeline is concerned. Anything else is a bug and is rethrown by the caller.
 */
export function fsErrorToSourceError(err: unknown, file: string): SourceError | undefined {
  if (err instanceof SourceError) return err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return new SourceError('missing', file, `${file} does not exist`);
    case 'EISDIR':
      return directoryNotFile(file);
    case 'EACCES':
    case 'EPERM':
      return new SourceError('missing', file, `${file} cannot be read: permission denied`);
    default:
      return undefined;
  }
}
