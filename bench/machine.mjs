// How much of the machine the bench had: benchmarks on a shared box mean little if something
// else was running. Linux only (/proc); elsewhere every figure is null.
//
//   node bench/machine.mjs [N]   prints N probes (default 5), one line each, to watch the phases
import { readdirSync, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { cpus } from 'node:os';
import { argv } from 'node:process';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

function read(path) {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** System-wide jiffies: [busy, total]. */
function systemJiffies() {
  const line = read('/proc/stat')?.split('\n')[0];
  if (!line) return null;
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = v[3] + (v[4] || 0); // idle + iowait
  const total = v.slice(0, 8).reduce((a, b) => a + b, 0); // guest time is already in user
  return [total - idle, total];
}

/** utime+stime (jiffies) of this process and each live descendant (chromium, its renderers), by pid. */
function ourProcesses() {
  const stats = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = read(`/proc/${name}/stat`);
    if (!s) continue;
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    // fields after the command: state(0) ppid(1) ... utime(11) stime(12)
    stats.set(Number(name), { ppid: Number(f[1]), cpu: Number(f[11]) + Number(f[12]) });
  }
  const ours = new Set([process.pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, { ppid }] of stats) {
      if (!ours.has(pid) && ours.has(ppid)) {
        ours.add(pid);
        grew = true;
      }
    }
  }
  return new Map([...ours].filter((pid) => stats.has(pid)).map((pid) => [pid, stats.get(pid).cpu]));
}

const loadavg = () => read('/proc/loadavg')?.split(' ').slice(0, 3).map(Number) ?? null;

/**
 * Measures, while the bench runs, what share of all CPU time went to processes other than
 * this bench (0 = the machine was ours alone). Samples our process tree every 250 ms, so
 * renderers that exit in between (closed browser contexts) are still counted.
 */
export class CpuMonitor {
  start() {
    this.sys0 = systemJiffies();
    if (!this.sys0) return this;
    this.load0 = loadavg();
    this.base = ourProcesses(); // processes older than the bench count from now on
    this.last = new Map(this.base);
    this.timer = setInterval(() => this.tick(), 250);
    this.timer.unref?.();
    return this;
  }

  tick() {
    for (const [pid, cpu] of ourProcesses()) this.last.set(pid, cpu);
  }

  stop() {
    if (!this.sys0) return null;
    clearInterval(this.timer);
    this.tick();
    const sys1 = systemJiffies();
    let ours = 0;
    for (const [pid, cpu] of this.last) ours += cpu - (this.base.get(pid) ?? 0);
    const total = sys1[1] - this.sys0[1];
    const busy = sys1[0] - this.sys0[0];
    if (total <= 0) return null;
    return {
      othersCpuShare: Math.min(1, Math.max(0, (busy - ours) / total)),
      oursCpuShare: Math.min(1, ours / total),
      loadStart: this.load0,
      loadEnd: loadavg(),
      cores: cpus().length,
    };
  }
}

/** Busy share of the whole machine over `ms` (before the bench starts, all of it is others'). */
export async function busyShare(ms = 1000) {
  const a = systemJiffies();
  if (!a) return null;
  await new Promise((r) => setTimeout(r, ms));
  const b = systemJiffies();
  return (b[0] - a[0]) / Math.max(1, b[1] - a[1]);
}

/**
 * How steady the cores' caches are right now, which /proc cannot show: on a shared host the
 * same code that touches memory took 27 to 49 ms from one run to the next, while code that stays
 * in registers kept within 3% (another tenant on the same physical core, presumably). Times
 * `rounds` alternating runs of a register-only loop and a read of an L2-resident array (512 KiB,
 * one element per cache line), ~30 ms each, and returns each one's median over its best run:
 * 1.0 is a steady machine. A snapshot: the state changes within seconds, and a run between two
 * steady probes has still measured SGEMM at its slowest of the day (RESULTS.md), so it shows
 * the phenomenon, not the conditions of the run between.
 */
export function cacheProbe(rounds = 15) {
  const array = new Float32Array((512 << 10) / 4).fill(1);
  const registers = () => {
    let a = 1, b = 1, c = 1, d = 1;
    for (let i = 0; i < 2e7; i++) {
      a = a * 0.9999999 + 1e-7;
      b = b * 0.9999999 + 1e-7;
      c = c * 0.9999999 + 1e-7;
      d = d * 0.9999999 + 1e-7;
    }
    return a + b + c + d;
  };
  const cache = () => {
    let sum = 0;
    for (let pass = 0; pass < 1200; pass++) for (let i = 0; i < array.length; i += 16) sum += array[i];
    return sum;
  };
  const spread = (fn) => {
    const t0 = performance.now();
    fn();
    return performance.now() - t0;
  };
  const times = { registers: [], cache: [] };
  for (let r = 0; r < rounds; r++) {
    times.registers.push(spread(registers));
    times.cache.push(spread(cache));
  }
  const medianOverBest = (xs) => {
    const s = [...xs].sort((x, y) => x - y);
    return s[s.length >> 1] / s[0];
  };
  return { registers: medianOverBest(times.registers), cache: medianOverBest(times.cache) };
}

/** Iterations of each `twinProbe` loop: 25–33 ms alone on the 2-vCPU machine weft is measured on. */
const TWIN_ITERATIONS = { latency: 1.5e7, throughput: 1.1e8 };

/**
 * Whether the two vCPUs slow each other down right now, which the cache probe (one thread)
 * cannot show. Two worker threads; each round times a loop on one of them alone, then on both at
 * once, for a loop bound by latency and one bound by the floating-point units
 * (bench/twin-loops.mjs), and returns, per loop, the median over rounds of (time on both at once,
 * mean of the two) / (time alone). 1.00 is two independent cores. On a host that runs the two
 * vCPUs as hyperthreads of one physical core, the throughput loop approaches 2 while the latency
 * loop stays near 1 (they share the core's units, not its time); if they shared time instead,
 * both would. Also `aloneMs`, the throughput loop's median time alone: compared between runs
 * on one machine, a slower figure means the core's other hyperthread was busy with work not
 * ours, or the core ran at a lower clock. A snapshot, like the cache probe.
 */
export async function twinProbe(rounds = 8) {
  const workers = [0, 1].map(() => new Worker(new URL('./twin-loops.mjs', import.meta.url)));
  const time = async (worker, loop) => {
    worker.postMessage({ loop, n: TWIN_ITERATIONS[loop] });
    const [{ ms }] = await once(worker, 'message'); // rejects on the worker's 'error'
    return ms;
  };
  try {
    const ratios = { latency: [], throughput: [] };
    const throughputAlone = [];
    for (let r = -2; r < rounds; r++) {
      for (const loop of Object.keys(ratios)) {
        const alone = await time(workers[0], loop);
        const both = await Promise.all(workers.map((w) => time(w, loop)));
        if (r < 0) continue; // rounds below 0 warm the JIT
        ratios[loop].push((both[0] + both[1]) / 2 / alone);
        if (loop === 'throughput') throughputAlone.push(alone);
      }
    }
    const median = (xs) => [...xs].sort((x, y) => x - y)[xs.length >> 1];
    return { latency: median(ratios.latency), throughput: median(ratios.throughput), aloneMs: median(throughputAlone) };
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/** Both probes: `{ cache, registers }` from `cacheProbe`, `twin` from `twinProbe`. */
export async function probeMachine() {
  return { ...cacheProbe(20), twin: await twinProbe() };
}

if (argv[1] && import.meta.url === pathToFileURL(argv[1]).href) {
  const count = Number(argv[2] ?? 5);
  for (let i = 0; i < count; i++) {
    const p = await probeMachine();
    const f = (x) => `${x.toFixed(2)}×`;
    console.log(
      `${new Date().toISOString()} cache ${f(p.cache)} registers ${f(p.registers)} twin: throughput-bound ${f(p.twin.throughput)} latency-bound ${f(p.twin.latency)} (throughput-bound alone ${p.twin.aloneMs.toFixed(1)} ms)`,
    );
  }
}
