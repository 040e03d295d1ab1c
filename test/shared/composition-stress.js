// Randomized nested-composition stress, shared by test/shared/composition.js (≥ 1,000 trees per
// run) and bench/soak.mjs (10,000+). A seeded generator writes random trees as plain JSON; the
// interpreter in ./tasks/tree.js runs each one (on the main thread, and again inside every task
// the tree contains); the checker here compares every outcome with a reference computed on the
// main thread and with the failure the tree asked for.
//
// A tree mixes: kernel calls of every kernel (edge sizes, a few multi-chunk ones, per-call
// `threads`, `limit()` views, aborted signals, invalid arguments); tasks that run a random
// subtree through getRuntime(), tasks in tasks (up to 3 deep), tasks submitted through limited
// views (the limit in force is probed inside, after an await); tasks that throw, crash their
// worker, hang until aborted (queued or running: a running one has its worker killed) or timed
// out, race a tiny timeout or an abort against real work; progress reports; transferred inputs;
// leases (on the main thread; inside a task a lease must be refused).
import { fmt, numEqual } from './assert.js';
import { checkAxpy, checkExact, checkMatmul, checkReduction } from './checks.js';
import { refAdd, refAxpy, refDot, refMax, refMin, refMul, refScale, refSum, rng } from './reference.js';
import { HANG_MS, kernelInputs, run as runTree, transferInput } from './tasks/tree.js';

/**
 * What the generator may put where.
 *   full     everything the public API promises, at every depth: tasks in tasks take the same
 *            options as tasks from the main thread (signal, timeout, transfer, onProgress) and
 *            report failures with the same codes; killing a worker that runs inline nested tasks
 *            leaves the pool clean; every progress value has arrived when a task settles.
 *   reduced  only what the runtime supported when this was written, so the rest can be soaked:
 *            inside tasks only plain nested tasks and already-aborted signals (no nested throw,
 *            abort, timeout, crash, progress or transfer), no nested tasks under a task that gets
 *            killed, and progress values still in flight when a task settles are accepted (they
 *            must be an in-order prefix).
 * Flags that are off turn the flavour into a plain task, so both profiles draw the same trees
 * otherwise.
 */
export const PROFILES = {
  full: {
    nestedPreAbort: true, nestedThrow: true, nestedAbort: true, nestedTimeout: true, nestedCrash: true,
    nestedProgress: true, nestedTransfer: true, killWithChildren: true, kernelPreAbort: true, progressBeforeSettle: true,
  },
  // Everything but nested hangs cut short by abort/timeout (each costs up to a 2 s hang), so
  // that 1,000 trees stay quick; the full profile covers those on fewer trees.
  reduced: {
    nestedPreAbort: true, nestedThrow: true, nestedAbort: false, nestedTimeout: false, nestedCrash: true,
    nestedProgress: true, nestedTransfer: true, killWithChildren: true, kernelPreAbort: true, progressBeforeSettle: true,
  },
};

/** The profile flag a flavour needs inside a task. */
const NESTED_FLAG = {
  'pre-abort': 'nestedPreAbort',
  'hang+abort': 'nestedAbort',
  'racy-abort': 'nestedAbort',
  'hang+timeout': 'nestedTimeout',
  'racy-timeout': 'nestedTimeout',
  'slow-timeout': 'nestedTimeout',
  throw: 'nestedThrow',
  crash: 'nestedCrash',
};

const MAX_DEPTH = 3;
const OPS = ['add', 'mul', 'axpy', 'scale', 'sum', 'dot', 'min', 'max', 'matmul'];
const BINARY = ['add', 'mul', 'axpy', 'dot'];
const VEC_EDGE = [0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 1023, 1024, 1025, 4095, 4096, 4097, 4999, 5000];
/** Several chunks (elementwise chunks are 32768 elements, reduction chunks 65536). */
const VEC_MEDIUM = [32767, 32768, 32769, 65535, 65536, 65537, 100003];
const MAT_EDGE = [0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 47, 48];
/** Matmuls of more than one tile. */
const MAT_MEDIUM = [[64, 64, 128], [96, 40, 80], [128, 33, 64]];
const ALPHAS = [0, 1, -1, 0.5, 2.5, -3.25, 1e-3];

class Gen {
  constructor(seed, profile, budget) {
    this.seed = seed;
    this.r = rng(seed);
    this.p = profile;
    this.budget = budget;
    this.ids = 0;
  }
  f() { return this.r(); }
  int(lo, hi) { return lo + Math.floor(this.r() * (hi - lo + 1)); }
  pick(list) { return list[Math.floor(this.r() * list.length)]; }
  chance(p) { return this.r() < p; }
  id() { return ++this.ids; }
  view() {
    const v = { threads: this.int(1, 3) };
    if (this.chance(0.5)) v.composition = this.pick(['dynamic', 'static']);
    return v;
  }
}

function genKernel(g) {
  const op = g.pick(OPS);
  const id = g.id();
  const node = { t: 'k', id, op, seed: `${g.seed}/${id}` };
  if (op === 'matmul') {
    if (g.chance(0.05)) [node.m, node.k, node.n] = g.pick(MAT_MEDIUM);
    else for (const d of ['m', 'k', 'n']) node[d] = g.chance(0.5) ? g.pick(MAT_EDGE) : g.int(1, 48);
  } else {
    const roll = g.f();
    node.len = roll < 0.08 ? g.pick(VEC_MEDIUM) : roll < 0.45 ? g.pick(VEC_EDGE) : g.int(1, 5000);
  }
  if (op === 'axpy' || op === 'scale') node.alpha = g.chance(0.7) ? g.pick(ALPHAS) : g.f() * 8 - 4;
  // NaN, ±Infinity, subnormals, ±f32 max: elementwise only (exact f32 references exist for those).
  if (['add', 'mul', 'axpy', 'scale'].includes(op) && g.chance(0.15)) node.special = true;
  if (g.chance(0.2)) node.threads = g.int(1, 3);
  if (g.chance(0.2)) node.view = g.view();
  const roll = g.f();
  if (roll < 0.04) node.bad = op === 'matmul' ? 'dims' : BINARY.includes(op) ? 'length' : 'threads';
  else if (roll < 0.09) { node.abort = 'mid'; node.abortMs = g.int(0, 2); }
  else if (roll < 0.13 && g.p.kernelPreAbort) node.abort = 'pre';
  return node;
}

/** Task flavours: what the task is asked to do, and so what it must end with. */
function genTask(g, depth) {
  const nested = depth >= 1;
  const node = { t: 'task', id: g.id() };
  let flavor = 'plain';
  const roll = g.f();
  if (roll < 0.07) flavor = 'pre-abort';
  else if (roll < 0.15) flavor = 'hang+abort';
  else if (roll < 0.21) flavor = 'hang+timeout';
  else if (roll < 0.27) flavor = 'throw';
  else if (roll < 0.30) flavor = 'crash';
  else if (roll < 0.35) flavor = 'racy-abort';
  else if (roll < 0.40) flavor = 'racy-timeout';
  else if (roll < 0.45) flavor = 'slow-timeout';
  if (nested && flavor !== 'plain' && !g.p[NESTED_FLAG[flavor]]) flavor = 'plain';
  node.flavor = flavor;
  const kills = ['hang+abort', 'hang+timeout', 'crash', 'racy-abort', 'racy-timeout'].includes(flavor);
  node.body = genBlock(g, depth + 1, { noTasks: kills && !g.p.killWithChildren });
  const body = node.body;
  switch (flavor) {
    case 'pre-abort':
      node.abort = 'pre';
      break;
    case 'hang+abort':
      body.hang = g.pick(['sleep', 'spin']);
      // Half abort after a delay (queued or running), half once it surely runs (its worker is killed).
      if (g.chance(0.5)) Object.assign(node, { abort: 'on', abortOn: 'hang' });
      else Object.assign(node, { abort: 'delay', abortMs: g.int(0, 10) });
      break;
    case 'hang+timeout':
      body.hang = g.pick(['sleep', 'spin']);
      node.timeout = g.chance(0.5) ? g.int(1, 10) : g.int(100, 500); // the longer ones mostly expire while it runs
      break;
    case 'throw':
      body.fail = 'throw';
      body.tag = node.id;
      break;
    case 'crash':
      body.fail = 'crash';
      body.tag = node.id;
      break;
    case 'racy-abort':
      if (g.chance(0.5)) Object.assign(node, { abort: 'on', abortOn: 'start' });
      else Object.assign(node, { abort: 'delay', abortMs: g.int(0, 5) });
      break;
    case 'racy-timeout':
      node.timeout = g.int(1, 5);
      break;
    case 'slow-timeout':
      node.timeout = 60_000;
      break;
  }
  if (g.chance(0.3)) body.progress = g.int(1, 6);
  node.checkProgress = !nested || g.p.nestedProgress;
  if (g.chance(0.15) && (!nested || g.p.nestedTransfer)) node.xfer = g.int(1, 3000);
  if (g.chance(0.25)) node.via = g.view();
  return node;
}

function genBlock(g, depth, { noTasks = false } = {}) {
  const count = depth === 0 ? g.int(1, 5) : g.int(1, 4);
  const nodes = [];
  for (let i = 0; i < count; i++) {
    const roll = g.f();
    if (roll < 0.05) nodes.push({ t: 'probe', id: g.id(), afterMs: g.int(0, 3) });
    else if (roll < 0.08) nodes.push({ t: 'lease', id: g.id(), threads: depth === 0 ? g.int(1, g.budget) : 1, holdMs: g.int(0, 5) });
    else if (roll < 0.4 && depth < MAX_DEPTH && !noTasks) nodes.push(genTask(g, depth));
    else nodes.push(genKernel(g));
  }
  return { par: g.chance(0.6), nodes };
}

/** One random tree: plain JSON, reproducible from its seed. */
export function generateTree(seed, profile, budget) {
  const g = new Gen(seed, typeof profile === 'string' ? PROFILES[profile] : profile, budget);
  return { seed, root: genBlock(g, 0) };
}

// ---- checking ------------------------------------------------------------------------------------

const containsCrash = (block) => block.nodes.some((n) => n.t === 'task' && (n.body.fail === 'crash' || containsCrash(n.body)));

function describeNode(node) {
  if (node.t === 'k') {
    const size = node.op === 'matmul' ? `${node.m}×${node.k}×${node.n}` : `len=${node.len}`;
    const extra = [node.threads && `threads:${node.threads}`, node.view && `view:${JSON.stringify(node.view)}`, node.abort && `abort:${node.abort}`, node.bad && `bad:${node.bad}`, node.special && 'specials'].filter(Boolean);
    return `kernel#${node.id} ${node.op}(${size}${extra.length ? ', ' + extra.join(', ') : ''})`;
  }
  if (node.t === 'task') return `task#${node.id}[${node.flavor}${node.via ? ' via ' + JSON.stringify(node.via) : ''}]`;
  return `${node.t}#${node.id}`;
}

function got(r) {
  if (!r || typeof r !== 'object') return `a malformed result ${fmt(r)}`;
  if (r.ok) return 'success';
  return `${r.code === undefined ? 'no code' : fmt(r.code)} (${r.name}: ${String(r.message).slice(0, 80)})`;
}

function checkKernelValue(node, value, label) {
  const ins = kernelInputs(node);
  const [x, y] = ins;
  switch (node.op) {
    case 'add': return checkExact(value, refAdd(x, y), label);
    case 'mul': return checkExact(value, refMul(x, y), label);
    case 'scale': return checkExact(value, refScale(node.alpha, x), label);
    case 'axpy': return checkAxpy(value, refAxpy(node.alpha, x, y), label);
    case 'sum': return checkReduction(value, refSum(x), label);
    case 'dot': return checkReduction(value, refDot(x, y), label);
    case 'min': return numEqual(value, refMin(x), label);
    case 'max': return numEqual(value, refMax(x), label);
    case 'matmul': return checkMatmul(value, x, y, node.m, node.k, node.n, label);
  }
}

/** What a node may end with: `ok` (success allowed) and the error codes allowed. */
function expectation(node, depth) {
  if (node.t === 'k') {
    if (node.bad) return { ok: false, codes: ['INVALID_ARGUMENT'] };
    if (node.abort === 'pre') return { ok: false, codes: ['ABORTED'] };
    if (node.abort === 'mid') return { ok: true, codes: ['ABORTED'] };
    return { ok: true, codes: [] };
  }
  if (node.t === 'lease') return depth === 0 ? { ok: true, codes: [] } : { ok: false, codes: ['INVALID_ARGUMENT'] };
  if (node.t === 'probe') return { ok: true, codes: [] };
  const blast = containsCrash(node.body) ? ['WORKER_CRASHED'] : [];
  const e = {
    'pre-abort': { ok: false, codes: ['ABORTED'] },
    'hang+abort': { ok: false, codes: ['ABORTED'] },
    'hang+timeout': { ok: false, codes: ['TIMEOUT'] },
    throw: { ok: false, codes: ['TASK_FAILED'] },
    crash: { ok: false, codes: ['WORKER_CRASHED'] },
    'racy-abort': { ok: true, codes: ['ABORTED'] },
    'racy-timeout': { ok: true, codes: ['TIMEOUT'] },
    'slow-timeout': { ok: true, codes: [] },
    plain: { ok: true, codes: [] },
  }[node.flavor];
  // A nested task's abort is decided on its caller's thread (a timer, or its progress callback).
  // Under caller-runs that thread may itself be busy spinning (this task inline, or a sibling),
  // so the abort can arrive after the spin has finished: success is a correct outcome too.
  const inlineSpin = depth > 0 && node.flavor === 'hang+abort' && node.body.hang === 'spin';
  return { ok: e.ok || inlineSpin, codes: [...e.codes, ...blast], inlineSpin };
}

export function newReport() {
  return {
    trees: 0,
    nodes: 0,
    ms: 0,
    /** The longest a tree took (queueing behind other trees included). */
    maxTreeMs: 0,
    /** Set when the run stopped before all trees (deadline, or too many hung trees). */
    stopped: undefined,
    mismatches: [],
    stats: {
      kernelOk: 0, kernelInvalid: 0, kernelAbortedPre: 0, kernelAbortMidOk: 0, kernelAbortMidAborted: 0, collateral: 0,
      taskOk: 0, taskFailed: 0, taskCrashed: 0, abortedQueued: 0, abortedRunning: 0, timedOutQueued: 0, timedOutRunning: 0,
      racyOk: 0, transfers: 0, progressChecked: 0, probes: 0, leases: 0, leasesRefused: 0, hungTrees: 0,
    },
    traceChecks: 0,
    maxBusy: 0,
    violations: [],
  };
}

/**
 * Checks one tree's outcome; appends mismatches ({ key, path, detail }) and counts to `report`.
 * `ctx`: { limit, composition } of the view the root ran on; `options.tolerateCollateral`:
 * accept WORKER_CRASHED from a kernel call nobody asked to fail (see SCHEDULER.md "Dying workers":
 * a worker killed while helping with another job's chunks fails that job);
 * `options.progressBeforeSettle`: every progress value must have arrived when the task settles.
 */
export function checkTree(tree, result, index, ctx, report, options = {}) {
  const s = report.stats;
  const miss = (path, key, detail) => {
    const text = String(detail);
    report.mismatches.push({ key, path: `tree ${index} (seed ${tree.seed}) › ${path}`, detail: text.length > 600 ? text.slice(0, 600) + '…' : text });
  };

  const checkBlock = (block, res, path, depth, ctx) => {
    if (!res || !Array.isArray(res.results) || res.results.length !== block.nodes.length) {
      miss(path || 'root', 'malformed block result', fmt(res));
      return;
    }
    block.nodes.forEach((node, i) => checkNode(node, res.results[i], `${path}${path ? ' › ' : ''}${describeNode(node)}`, depth, ctx));
  };

  const checkNode = (node, r, path, depth, ctx) => {
    report.nodes++;
    const where = depth === 0 ? 'from main' : 'in a task';
    const what = node.t === 'k' ? `kernel${node.bad ? ' (invalid)' : node.abort ? ` (abort ${node.abort})` : ''}` : node.t === 'task' ? `task ${node.flavor}` : node.t;
    const exp = expectation(node, depth);
    const want = [exp.ok ? 'success' : null, ...exp.codes].filter(Boolean).join(' or ');
    if (!r || typeof r !== 'object') {
      miss(path, `${what} ${where}: malformed result`, fmt(r));
      return;
    }
    if (!r.ok) {
      if (node.t === 'k' && r.code === 'WORKER_CRASHED' && !exp.codes.includes('WORKER_CRASHED') && options.tolerateCollateral) {
        s.collateral++;
        return;
      }
      if (!exp.codes.includes(r.code)) {
        miss(path, `${what} ${where}: expected ${want}, got ${r.code === undefined ? `no code (${r.name})` : r.code}`, `${got(r)}\n${r.stack ?? ''}`);
        return;
      }
      // An expected failure: count it, and check what can be checked about it.
      if (node.t === 'k') {
        if (r.code === 'INVALID_ARGUMENT') s.kernelInvalid++;
        else if (node.abort === 'pre') s.kernelAbortedPre++;
        else s.kernelAbortMidAborted++;
      } else if (node.t === 'lease') s.leasesRefused++;
      else if (node.t === 'task') {
        const ran = Array.isArray(r.progress) && r.progress.includes('start');
        if (r.code === 'ABORTED') ran ? s.abortedRunning++ : s.abortedQueued++;
        else if (r.code === 'TIMEOUT') ran ? s.timedOutRunning++ : s.timedOutQueued++;
        else if (r.code === 'WORKER_CRASHED') s.taskCrashed++;
        else if (r.code === 'TASK_FAILED') {
          s.taskFailed++;
          if (node.body.fail === 'throw') {
            if (!r.message.includes(`boom ${node.id}`)) miss(path, `task throw ${where}: message lacks the remote message`, r.message);
            else if (!/tree\.js/.test(r.stack)) miss(path, `task throw ${where}: stack lacks the remote stack`, r.stack);
          }
        }
      }
      return;
    }
    if (!exp.ok) {
      miss(path, `${what} ${where}: expected ${want}, got success`, node.t === 'task' ? `resolved${r.value && r.value.hungOut ? ' after hanging its full ' + HANG_MS + ' ms' : ''}` : fmt(r.value));
      return;
    }
    try {
      if (node.t === 'k') {
        checkKernelValue(node, r.value, path);
        if (node.abort === 'mid') s.kernelAbortMidOk++;
        else s.kernelOk++;
      } else if (node.t === 'lease') {
        numEqual(r.value, node.threads, `${path}: lease threads`);
        s.leases++;
      } else if (node.t === 'probe') {
        const v = r.value || {};
        if (v.limit !== ctx.limit || v.composition !== ctx.composition) {
          miss(path, `probe ${where}: wrong limit in force`, `expected ${JSON.stringify(ctx)}, got ${JSON.stringify(v)}`);
        }
        s.probes++;
      } else {
        s.taskOk++;
        if (exp.codes.includes('ABORTED') || exp.codes.includes('TIMEOUT')) s.racyOk++;
        const v = r.value;
        if (v && v.hungOut && !exp.inlineSpin) miss(path, `task ${node.flavor} ${where}: a hang was not cut short`, '');
        if (node.checkProgress) {
          const wantProgress = ['start', ...Array.from({ length: node.body.progress ?? 0 }, (_, i) => i)];
          if (exp.inlineSpin) wantProgress.push('hang'); // it ran its hang to the end (see expectation)
          const seen = Array.isArray(r.progress) ? r.progress : [];
          const inOrder = JSON.stringify(seen) === JSON.stringify(wantProgress.slice(0, seen.length));
          if (!inOrder || (options.progressBeforeSettle && seen.length !== wantProgress.length)) {
            const late = inOrder ? ' by the time the task settled' : '';
            miss(path, `task ${where}: progress values ${inOrder ? 'missing' + late : 'wrong or out of order'}`, `expected ${JSON.stringify(wantProgress)}, got ${JSON.stringify(seen)}`);
          }
          s.progressChecked++;
        }
        if (node.xfer !== undefined) {
          const input = transferInput(node);
          if (!v || !v.input || v.input.length !== node.xfer) miss(path, `task ${where}: transferred input did not arrive`, fmt(v && v.input));
          else checkReduction(v.input.sum, refSum(input), `${path}: sum of the transferred input`);
          if (r.detached !== true) miss(path, `task ${where}: transferred buffer not detached in the caller`, `byteLength after the call was not 0`);
          s.transfers++;
        }
        const child = {
          limit: Math.min(ctx.limit, node.via?.threads ?? Infinity),
          composition: node.via?.composition ?? ctx.composition,
        };
        checkBlock(node.body, v, path, depth + 1, child);
      }
    } catch (e) {
      const key = `${what} ${where}: wrong value`;
      miss(path, key, e && e.message);
    }
  };

  checkBlock(tree.root, result, '', 0, ctx);
}

/** Summarises mismatches by kind: counts, and the first example of each. */
export function summarize(mismatches, examples = 2) {
  const groups = new Map();
  for (const m of mismatches) {
    const g = groups.get(m.key) ?? { count: 0, examples: [] };
    g.count++;
    if (g.examples.length < examples) g.examples.push(m);
    groups.set(m.key, g);
  }
  return [...groups.entries()]
    .sort((a, b) => b[1].count - a[1].count)
    .map(([key, g]) => `${g.count}× ${key}\n${g.examples.map((e) => `    at ${e.path}\n      ${String(e.detail).split('\n').slice(0, 4).join('\n      ')}`).join('\n')}`)
    .join('\n');
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls info() until nothing is busy, running, queued or leased, or `ms` pass. Returns the last info(). */
export async function waitQuiet(rt, ms) {
  const until = Date.now() + ms;
  for (;;) {
    const info = rt.info();
    if ((info.busy === 0 && info.tasks === 0 && info.queued === 0 && info.leased === 0) || Date.now() > until) return info;
    await sleep(10);
  }
}

/**
 * Runs `trees` random trees, `concurrency` at a time (a sliding window), each raced against
 * `treeTimeoutMs`; tracing stays on throughout and the trace is checked every `checkEvery` trees
 * (the per-thread trace rings are finite). Stops starting trees after `deadlineMs`, or once
 * `maxHung` trees have hung (a wedged pool would otherwise turn every later tree into a hang too),
 * and says so in `report.stopped`. Returns the report; does not throw on mismatches.
 */
export async function runStress({
  rt,
  trees,
  seed,
  profile = 'full',
  concurrency = 12,
  treeTimeoutMs = 60_000,
  checkEvery = 40,
  tolerateCollateral = true,
  deadlineMs = Infinity,
  maxHung = Infinity,
  onTree,
}) {
  const P = typeof profile === 'string' ? PROFILES[profile] : profile;
  const info = rt.info();
  const budget = info.threads;
  const ctx = { limit: info.limit, composition: info.composition };
  const report = newReport();
  const seenViolations = new Set();
  const started = Date.now();
  const checkTrace = () => {
    const c = rt.trace.check();
    report.traceChecks++;
    report.maxBusy = Math.max(report.maxBusy, c.maxBusy);
    // Checks overlap (tracing stays on), so a violation may be seen again: keep each instant once.
    for (const v of c.violations) {
      if (seenViolations.has(v.ts)) continue;
      seenViolations.add(v.ts);
      report.violations.push(v);
    }
  };
  rt.trace.start();
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < trees) {
      if (Date.now() - started > deadlineMs) {
        report.stopped ??= `stopped after ${next} of ${trees} trees: the ${deadlineMs} ms deadline passed`;
        return;
      }
      if (report.stats.hungTrees >= maxHung) {
        report.stopped ??= `stopped after ${next} of ${trees} trees: ${report.stats.hungTrees} trees hung`;
        return;
      }
      const i = next++;
      const tree = generateTree(`${seed}:${i}`, P, budget);
      let timer;
      const bound = new Promise((resolve) => {
        timer = setTimeout(() => resolve({ hung: true }), treeTimeoutMs);
      });
      const t0 = Date.now();
      const result = await Promise.race([runTree(tree.root, undefined, rt).catch((e) => ({ thrown: e })), bound]);
      clearTimeout(timer);
      report.maxTreeMs = Math.max(report.maxTreeMs, Date.now() - t0);
      if (result && result.hung) {
        report.stats.hungTrees++;
        report.mismatches.push({ key: `tree did not settle within ${treeTimeoutMs} ms`, path: `tree ${i} (seed ${tree.seed})`, detail: JSON.stringify(tree) });
      } else if (result && result.thrown) {
        report.mismatches.push({ key: 'the interpreter itself threw on the main thread', path: `tree ${i} (seed ${tree.seed})`, detail: String(result.thrown && result.thrown.stack) });
      } else {
        checkTree(tree, result, i, ctx, report, { tolerateCollateral, progressBeforeSettle: P.progressBeforeSettle });
      }
      report.trees++;
      if (++done % checkEvery === 0) checkTrace();
      onTree?.(report, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, trees) }, worker));
  checkTrace();
  rt.trace.stop();
  report.ms = Date.now() - started;
  return report;
}

export { HANG_MS };
