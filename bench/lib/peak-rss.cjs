// Preloaded (NODE_OPTIONS=--require) into a process the benchmark times: at exit it writes the process's
// resource use from getrusage (peak resident memory in KiB, minor page faults, user and system CPU in ms,
// threads included) as JSON to the file named by DLC_BENCH_PEAK_RSS, so a child's memory and kernel time
// can be reported without an external tool.
const { writeFileSync } = require('node:fs');

const file = process.env.DLC_BENCH_PEAK_RSS;
if (file) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    writeFileSync(file, JSON.stringify({ maxRSS: u.maxRSS, minorFaults: u.minorPageFault, userMs: u.userCPUTime / 1000, systemMs: u.systemCPUTime / 1000 }));
  });
}
