// Preloaded (NODE_OPTIONS=--require) into a process the benchmark times: at exit it writes the process's
// peak resident memory (KiB, getrusage's ru_maxrss) to the file named by DLC_BENCH_PEAK_RSS, so a child's
// memory can be reported without an external tool.
const { writeFileSync } = require('node:fs');

const file = process.env.DLC_BENCH_PEAK_RSS;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
