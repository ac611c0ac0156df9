/**
 * Loads the terminal UI with React's production build. React picks its build from NODE_ENV when it is
 * first imported, and the development build costs the driver seconds of CPU over a run that its workers
 * need. The variable is set only while the modules load: worker processes started later inherit the
 * environment, and TensorFlow.js reads the same variable.
 */
export async function loadTuiReporter(): Promise<typeof import('./tui-reporter.js')> {
  const before = process.env.NODE_ENV;
  if (before === undefined) process.env.NODE_ENV = 'production';
  try {
    return await import('./tui-reporter.js');
  } finally {
    if (before === undefined) delete process.env.NODE_ENV;
  }
}
