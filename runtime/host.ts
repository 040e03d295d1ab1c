/**
 * The host's `Backend`: one per `createRuntime`, over a pool it may share with other
 * runtimes on the page. It owns what is per-runtime (closed flag, queue allowance) and
 * forwards the rest to the pool.
 */
import { defaultThreads, sharedMemoryAvailable } from '#platform';
import type { ArrayOf, KernelArray, KernelArrayType, KernelCall } from './kernels/index.js';
import { WeftArgumentError } from './errors.js';
import { resolveOptions, type RuntimeOptions } from './options.js';
import { Pool } from './pool.js';
import type { TaskRequest } from './protocol.js';
import { registry } from './registry.js';
import { Runtime, type Backend, type ValidTaskOptions } from './runtime.js';

class HostBackend implements Backend {
  readonly inTask = false;
  closed = false;
  private readonly queue: { queued: number; maxQueue: number };

  constructor(
    private readonly pool: Pool,
    readonly composition: Runtime['composition'],
    maxQueue: number,
    private readonly onClose: () => Promise<void>,
  ) {
    this.queue = { queued: 0, maxQueue };
  }

  get budget() {
    return this.pool.budget;
  }

  get trace() {
    return this.pool.traceControl;
  }

  info() {
    return this.pool.info();
  }

  runKernel(call: KernelCall, threads: number) {
    return this.pool.runKernel(call, threads);
  }

  submitTask(request: Omit<TaskRequest, 'id'>, options: ValidTaskOptions) {
    return this.pool.submit(request, options, this.queue);
  }

  alloc<T extends KernelArrayType>(type: T, length: number): ArrayOf<T> {
    return this.pool.alloc(type, length);
  }

  free(array: KernelArray): boolean {
    return this.pool.free(array);
  }

  activeTasks(): number {
    return this.pool.info().tasks;
  }

  lease(threads: number, signal?: AbortSignal) {
    return this.pool.lease(threads, signal);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.onClose();
  }
}

/** Shared pools, one per page; a registry entry keeps it across copies of weft. */
interface SharedPoolEntry {
  pool: Promise<Pool>;
}

/**
 * Creates a runtime. By default it joins the page's shared pool (created on first use, sized
 * by the first runtime's `threads`); a later runtime asking for fewer threads gets a view
 * limited to that many. Called inside a task, it returns a view of the pool the task runs on.
 * `isolated: true` gives it a pool and budget of its own.
 */
export async function createRuntime(options?: RuntimeOptions): Promise<Runtime> {
  const resolved = resolveOptions(options, defaultThreads());
  // Inside a task, a library that creates "its own" runtime gets the pool it is already
  // running on (with the task's limits), not a second pool: that is the point of one budget.
  const inTask = registry().workerRuntime;
  if (inTask && !resolved.isolated) return inTask().limit({ threads: resolved.threads, composition: resolved.composition });
  const shared = sharedMemoryAvailable();
  let pool: Pool;
  let release: () => Promise<void>;
  if (resolved.isolated) {
    pool = await Pool.create(resolved.threads, shared, resolved.simd);
    release = () => pool.close();
  } else {
    const reg = registry();
    let entry = reg.pool as SharedPoolEntry | undefined;
    if (!entry) {
      entry = { pool: Pool.create(resolved.threads, shared, resolved.simd) };
      reg.pool = entry;
      entry.pool.catch(() => {
        if (reg.pool === entry) reg.pool = undefined;
      });
    }
    pool = await entry.pool;
    if (resolved.simd !== undefined && resolved.simd !== pool.simd) {
      throw new WeftArgumentError('simd', `'${pool.simd}' (the page's shared pool) or isolated: true`, resolved.simd);
    }
    const mine = entry;
    release = async () => {
      if (--pool.refs > 0) return;
      if (reg.pool === mine) reg.pool = undefined;
      await pool.close();
    };
  }
  pool.refs++;
  if (resolved.trace) pool.traceControl.start();
  const reg = registry();
  const backend = new HostBackend(pool, resolved.composition, resolved.maxQueue, async () => {
    if (reg.hostRuntime === runtime) reg.hostRuntime = undefined;
    await release();
  });
  const runtime = new Runtime(backend, Math.min(resolved.threads, pool.budget), resolved.composition);
  // getRuntime() on the host answers with the page's shared runtime, never an isolated one.
  if (!resolved.isolated) reg.hostRuntime = runtime;
  return runtime;
}

