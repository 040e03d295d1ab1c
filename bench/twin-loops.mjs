// Worker side of `twinProbe` (bench/machine.mjs): runs the loop it is sent and answers with its
// own time, so the time excludes the message's trip.
import { parentPort } from 'node:worker_threads';

const LOOPS = {
  // One chain of dependent multiply-adds: bound by latency, so it leaves a core's execution
  // units mostly idle for whatever shares the core.
  latency: (n) => {
    let x = 1.0000001;
    for (let i = 0; i < n; i++) x = x * 0.9999999 + 1e-7;
    return x;
  },
  // Eight independent chains: bound by the core's floating-point units, so anything that shares
  // those units (a hyperthread sibling) slows it down.
  throughput: (n) => {
    let a = 1, b = 2, c = 3, d = 4, e = 5, f = 6, g = 7, h = 8;
    for (let i = 0; i < n; i += 8) {
      a = a * 0.9999999 + 1e-7;
      b = b * 0.9999999 + 1e-7;
      c = c * 0.9999999 + 1e-7;
      d = d * 0.9999999 + 1e-7;
      e = e * 0.9999999 + 1e-7;
      f = f * 0.9999999 + 1e-7;
      g = g * 0.9999999 + 1e-7;
      h = h * 0.9999999 + 1e-7;
    }
    return a + b + c + d + e + f + g + h;
  },
};

parentPort.on('message', ({ loop, n }) => {
  const t0 = performance.now();
  const value = LOOPS[loop](n);
  parentPort.postMessage({ ms: performance.now() - t0, value });
});
