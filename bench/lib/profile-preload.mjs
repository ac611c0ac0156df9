// Profiles the processes it is preloaded into, for finding where `dlc run`'s workers spend their time
// (Node refuses --cpu-prof in NODE_OPTIONS, and the pool starts workers with flags of its own):
//
//   DLC_BENCH_PROFILE_DIR=/tmp/prof NODE_OPTIONS="--import $PWD/bench/lib/profile-preload.mjs" dlc run ...
//
// Every process that inherits the environment writes <dir>/<role>-<pid>.cpuprofile when it exits, the role
// being the worker id (DLC_WORKER_ID) or `driver`. Read them with bench/lib/cpu-profile.mjs.
import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.DLC_BENCH_PROFILE_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.setSamplingInterval', { interval: Number(process.env.DLC_BENCH_PROFILE_INTERVAL_US ?? 1000) });
  session.post('Profiler.enable');
  session.post('Profiler.start');
  process.on('exit', () => {
    // A same-thread inspector session answers synchronously, so this completes inside the exit handler.
    session.post('Profiler.stop', (error, result) => {
      if (error) return;
      const role = process.env.DLC_WORKER_ID ?? 'driver';
      writeFileSync(join(dir, `${role}-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
