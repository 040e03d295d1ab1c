/**
 * Every error weft raises is a `WeftError` with a stable `code`, so callers can branch on
 * `err.code` without string-matching messages. Subclasses exist for the cases callers
 * typically catch separately; each carries the underlying `cause` when there is one.
 */
export type WeftErrorCode =
  | 'INVALID_ARGUMENT'
  | 'CLOSED'
  | 'ABORTED'
  | 'TIMEOUT'
  | 'QUEUE_FULL'
  | 'WORKER_CRASHED'
  | 'OUT_OF_MEMORY'
  | 'KERNEL_FAILED'
  | 'TASK_FAILED'
  | 'UNSUPPORTED';

export class WeftError extends Error {
  override name = 'WeftError';
  constructor(
    readonly code: WeftErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Bad input, detected before any worker runs. `argument` names the offending parameter. */
export class WeftArgumentError extends WeftError {
  override name = 'WeftArgumentError';
  constructor(
    readonly argument: string,
    expected: string,
    got: unknown,
  ) {
    super('INVALID_ARGUMENT', `${argument}: expected ${expected}, got ${describe(got)}`);
  }
}

/** The runtime (or the view) was closed; nothing was started. */
export class RuntimeClosedError extends WeftError {
  override name = 'RuntimeClosedError';
  constructor() {
    super('CLOSED', 'weft runtime is closed');
  }
}

/** Named `AbortError` like the DOM's, so `err.name === 'AbortError'` checks keep working. */
export class AbortError extends WeftError {
  override name = 'AbortError';
  constructor(reason?: unknown) {
    super('ABORTED', 'the operation was aborted', { cause: reason });
  }
}

/** Throws weft's AbortError (not the signal's own reason) if `signal` is already aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AbortError(signal.reason);
}

export class TimeoutError extends WeftError {
  override name = 'TimeoutError';
  constructor(ms: number) {
    super('TIMEOUT', `the task did not finish within ${ms} ms`);
  }
}

export class QueueFullError extends WeftError {
  override name = 'QueueFullError';
  constructor(maxQueue: number) {
    super('QUEUE_FULL', `the task queue is full (maxQueue = ${maxQueue})`);
  }
}

export class WorkerCrashedError extends WeftError {
  override name = 'WorkerCrashedError';
  constructor(cause?: unknown) {
    super('WORKER_CRASHED', 'the worker running this work died; it has been replaced', { cause });
  }
}

export class OutOfMemoryError extends WeftError {
  override name = 'OutOfMemoryError';
  constructor(bytes: number) {
    super('OUT_OF_MEMORY', `the shared heap could not provide ${bytes} bytes`);
  }
}

/** A kernel trapped (a bug in weft, or memory corrupted by a caller); the pool stays usable. */
export class KernelError extends WeftError {
  override name = 'KernelError';
  constructor(kernel: string, cause?: unknown) {
    super('KERNEL_FAILED', `kernel ${kernel} failed`, { cause });
  }
}

/**
 * A task threw. `message` and `stack` are the remote ones, so the failure reads as if it had
 * happened locally; `cause` is the remote error as deserialized.
 */
export class TaskError extends WeftError {
  override name = 'TaskError';
  constructor(task: string, remote: { message?: string; stack?: string; name?: string }) {
    super('TASK_FAILED', `task ${task} failed: ${remote.message ?? String(remote)}`, { cause: remote });
    if (remote.stack) this.stack = `${this.name}: ${this.message}\n--- remote stack ---\n${remote.stack}`;
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${(value as { length?: number }).length ?? value.byteLength})`;
  if (Array.isArray(value)) return `Array(${value.length})`;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value);
  return typeof value === 'object' ? (value.constructor?.name ?? 'object') : typeof value;
}

/** An error as plain data, to cross a message channel with its code intact. */
export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  code?: WeftErrorCode;
  argument?: string;
}

export function serializeError(error: unknown): SerializedError {
  const e = error as Partial<WeftError & WeftArgumentError>;
  if (e === null || typeof e !== 'object') return { name: 'Error', message: String(error) };
  return { name: String(e.name ?? 'Error'), message: String(e.message ?? error), stack: e.stack, code: e.code, argument: e.argument };
}

/** Rebuilds a serialized error: a WeftError with its code if it had one, else a plain Error. */
export function reviveError(data: SerializedError): Error {
  const error = data.code ? new WeftError(data.code, data.message) : new Error(data.message);
  return Object.assign(error, { name: data.name, stack: data.stack, ...(data.argument ? { argument: data.argument } : {}) });
}
