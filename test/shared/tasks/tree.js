// The composition stress's interpreter, and a task module: ONE function, `run`, executes a tree
// description (plain JSON, see ../composition-stress.js) on whatever thread calls it — the main
// thread with the runtime under test, or a pool worker inside a task, where it is called as a
// task and takes its runtime from getRuntime() — and returns the outcome of every node. A task
// node runs its body by calling `run` again as a task of this very module, so the same code
// interprets every level of the tree.
//
// Node kinds (all fields plain JSON):
//   kernel  { t: 'k', id, op, len | (m, k, n), seed, alpha?, special?, threads?, view?, abort?, bad? }
//   task    { t: 'task', id, via?, abort?: 'pre'|'delay'|'on', abortMs?, abortOn?, timeout?, xfer?, body }
//   lease   { t: 'lease', id, threads, holdMs }
//   probe   { t: 'probe', id, afterMs }            → the view's { limit, composition } after an await
// A body (and the root) is a block: { par, nodes, progress?, fail?, hang? }.
import { getRuntime } from '../../../dist/runtime/index.js';
import { randomF32, specialF32 } from '../reference.js';

const SELF = import.meta.url;

/** How long a hanging body hangs. Bounded, so a hang the runtime fails to cut short ends anyway. */
export const HANG_MS = 2000;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The inputs of a kernel node, generated from its seed (the main thread regenerates them to check). */
export function kernelInputs(node) {
  const gen = node.special ? specialF32 : randomF32;
  if (node.op === 'matmul') {
    const a = gen(`${node.seed}/a`, node.m * node.k);
    let b = gen(`${node.seed}/b`, node.k * node.n);
    if (node.bad === 'dims') b = gen(`${node.seed}/b`, node.k * node.n + 1);
    return [a, b];
  }
  const x = gen(`${node.seed}/x`, node.len);
  if (['add', 'mul', 'axpy', 'dot'].includes(node.op)) {
    const y = gen(`${node.seed}/y`, node.bad === 'length' ? node.len + 1 : node.len);
    return [x, y];
  }
  return [x];
}

/** The array a task node transfers to its task. */
export function transferInput(node) {
  return randomF32(`${node.id}/xfer`, node.xfer);
}

function errorInfo(e) {
  return {
    ok: false,
    code: e && e.code,
    name: e && e.name,
    message: String((e && e.message) ?? e),
    stack: String((e && e.stack) ?? ''),
  };
}

async function runKernel(rt, node) {
  const r = node.view ? rt.limit(node.view) : rt;
  const inputs = kernelInputs(node);
  const options = {};
  if (node.threads !== undefined) options.threads = node.threads;
  if (node.bad === 'threads') options.threads = 0;
  let ac;
  if (node.abort) {
    ac = new AbortController();
    options.signal = ac.signal;
    if (node.abort === 'pre') ac.abort();
  }
  let p;
  const [x, y] = inputs;
  switch (node.op) {
    case 'add': p = r.kernels.add(x, y, options); break;
    case 'mul': p = r.kernels.mul(x, y, options); break;
    case 'axpy': p = r.kernels.axpy(node.alpha, x, y, options); break;
    case 'scale': p = r.kernels.scale(node.alpha, x, options); break;
    case 'sum': p = r.kernels.sum(x, options); break;
    case 'dot': p = r.kernels.dot(x, y, options); break;
    case 'min': p = r.kernels.min(x, options); break;
    case 'max': p = r.kernels.max(x, options); break;
    case 'matmul': p = r.kernels.matmul(x, y, { ...options, m: node.m, k: node.k, n: node.n }); break;
    default: throw new Error(`tree: unknown kernel ${node.op}`);
  }
  if (node.abort === 'mid') setTimeout(() => ac.abort(), node.abortMs ?? 0);
  return { ok: true, value: await p };
}

async function runTask(rt, node) {
  const r = node.via ? rt.limit(node.via) : rt;
  const progress = [];
  let ac;
  const options = {
    onProgress: (v) => {
      progress.push(v);
      if (node.abort === 'on' && v === node.abortOn) ac.abort();
    },
  };
  if (node.abort) {
    ac = new AbortController();
    options.signal = ac.signal;
    if (node.abort === 'pre') ac.abort();
  }
  if (node.timeout !== undefined) options.timeout = node.timeout;
  let input;
  if (node.xfer !== undefined) {
    input = transferInput(node);
    options.transfer = [input.buffer];
  }
  const p = r.module(SELF).with(options).run(node.body, input);
  if (node.abort === 'delay') setTimeout(() => ac.abort(), node.abortMs);
  const detached = () => (input ? input.buffer.byteLength === 0 : undefined);
  try {
    const value = await p;
    return { ok: true, value, progress, detached: detached() };
  } catch (e) {
    return { ...errorInfo(e), progress, detached: detached() };
  }
}

async function runLease(rt, node) {
  const lease = await rt.lease(node.threads);
  try {
    await sleep(node.holdMs);
  } finally {
    lease.release();
  }
  return { ok: true, value: lease.threads };
}

async function runProbe(rt, node) {
  await sleep(node.afterMs);
  const info = rt.info();
  return { ok: true, value: { limit: info.limit, composition: info.composition } };
}

function runNode(rt, node) {
  let p;
  try {
    if (node.t === 'k') p = runKernel(rt, node);
    else if (node.t === 'task') p = runTask(rt, node);
    else if (node.t === 'lease') p = runLease(rt, node);
    else if (node.t === 'probe') p = runProbe(rt, node);
    else throw new Error(`tree: unknown node ${JSON.stringify(node.t)}`);
  } catch (e) {
    return Promise.resolve(errorInfo(e));
  }
  return p.catch(errorInfo);
}

/**
 * Runs a block. As a task: `run(block, input)`, runtime from getRuntime() (evaluated in the
 * synchronous part, as getRuntime() requires). On the main thread: `run(block, undefined, rt)`.
 * Returns { results, input? }; throws, crashes its worker or hangs when the block says so.
 */
export async function run(block, input, rt = getRuntime()) {
  rt.progress('start');
  const out = { results: [] };
  if (input !== undefined) {
    out.input = { length: input.length, sum: input.length ? await rt.kernels.sum(input) : 0 };
  }
  for (let i = 0; i < (block.progress ?? 0); i++) {
    rt.progress(i);
    if (i % 2) await sleep(0);
  }
  if (block.par) {
    out.results = await Promise.all(block.nodes.map((node) => runNode(rt, node)));
  } else {
    for (const node of block.nodes) out.results.push(await runNode(rt, node));
  }
  if (block.fail === 'throw') throw new Error(`boom ${block.tag}`);
  if (block.fail === 'crash') {
    // An uncaught exception outside any task's promise chain: the worker dies (Node) or reports
    // an error event (browser); either way the pool must replace it and reject with WORKER_CRASHED.
    setTimeout(() => {
      throw new Error(`crash ${block.tag}`);
    }, 0);
    await sleep(HANG_MS);
    return out;
  }
  if (block.hang) {
    rt.progress('hang');
    if (block.hang === 'spin') {
      const until = Date.now() + HANG_MS;
      while (Date.now() < until) { /* the worker's thread stays busy */ }
    } else {
      await sleep(HANG_MS);
    }
    out.hungOut = true;
  }
  return out;
}
