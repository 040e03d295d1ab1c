/** Small promise helpers shared by the host and the workers. */
import { AbortError, TimeoutError } from './errors.js';

/**
 * Settles with `work`, unless `signal` fires or `timeout` ms pass first: then it rejects
 * (AbortError / TimeoutError) and `work`'s eventual outcome is dropped. Work that blocked
 * this thread past its timeout (so the timer could not fire) still counts as timed out.
 */
export function abandonable<T>(work: Promise<T>, signal?: AbortSignal, timeout?: number): Promise<T> {
  if (!signal && timeout === undefined) return work;
  if (signal?.aborted) {
    // An abort event fires once: a listener added now would wait forever.
    work.catch(() => {});
    return Promise.reject(new AbortError(signal.reason));
  }
  const started = performance.now();
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new AbortError(signal!.reason));
    const timer = timeout === undefined ? undefined : setTimeout(() => reject(new TimeoutError(timeout)), timeout);
    signal?.addEventListener('abort', onAbort, { once: true });
    const late = () => timeout !== undefined && performance.now() - started >= timeout;
    work.then((value) => (late() ? reject(new TimeoutError(timeout!)) : resolve(value)), reject).finally(() => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    });
    work.catch(() => {}); // an abandoned failure is not an unhandled rejection
  });
}

/** Exhaustiveness check for switches over a union. */
export function assertNever(value: never): never {
  throw new Error(`weft: unexpected ${JSON.stringify(value)}`);
}
