/**
 * Page-global state, keyed on a registered symbol so that every copy of weft loaded into one
 * realm (two libraries that each bundle it) finds the same pool, and a task module that
 * bundles its own copy still finds the worker it runs on.
 */
import { WeftError } from './errors.js';
import type { Runtime } from './runtime.js';

interface Registry {
  /** The shared pool, by protocol version; absent until the first non-isolated runtime. */
  pool?: unknown;
  /** Set on pool workers: the runtime view for the task running now. */
  workerRuntime?: () => Runtime;
  /** On the host: the most recently created runtime. */
  hostRuntime?: Runtime;
}

const KEY = Symbol.for('weft.registry.v1');

export function registry(): Registry {
  const g = globalThis as { [KEY]?: Registry };
  return (g[KEY] ??= {});
}

export function installWorkerRuntime(get: () => Runtime): void {
  registry().workerRuntime = get;
}

/**
 * The runtime for the code calling it. Inside a task: a view carrying the task's limits and
 * its progress channel — call it in the task's synchronous part (before the first `await`),
 * then keep the view. On the host: the most recently created runtime.
 */
export function getRuntime(): Runtime {
  const r = registry();
  const runtime = r.workerRuntime?.() ?? r.hostRuntime;
  if (!runtime) throw new WeftError('UNSUPPORTED', 'no weft runtime here: call createRuntime() first');
  return runtime;
}
