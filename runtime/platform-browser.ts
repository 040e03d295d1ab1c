/**
 * The browser side of the one platform seam (the Node side is ./platform-node.ts, chosen through the
 * package's `imports` map: `#platform`). Everything engine-specific is here.
 */
import type { Endpoint } from 'comlink';

export const platformName = 'browser' as const;

export function defaultThreads(): number {
  return Math.max(1, navigator.hardwareConcurrency || 1);
}

/**
 * Shared memory can be handed to workers only on a cross-origin isolated page, and 'shared' mode
 * also needs `Atomics.waitAsync` (the host never blocks: it awaits jobs and leases with it).
 * An engine missing either runs in 'fallback' mode. Feature detection only (docs/engines.md).
 */
export function sharedMemoryAvailable(): boolean {
  return (
    typeof SharedArrayBuffer !== 'undefined' &&
    globalThis.crossOriginIsolated === true &&
    typeof Atomics.waitAsync === 'function'
  );
}

export function crossOriginIsolated(): boolean {
  return globalThis.crossOriginIsolated === true;
}

/** How long a terminated browser worker is given to really stop (see `terminate`). */
const TERMINATE_GRACE_MS = 100;

export interface SpawnedWorker {
  endpoint: Endpoint;
  /** Called once if the worker dies on its own (an uncaught error, out of memory). */
  onCrash(callback: (error: unknown) => void): void;
  terminate(): Promise<void>;
}

export function spawnWorker(name: string): SpawnedWorker {
  // Written out literally so bundlers (Vite, webpack 5) see the pattern and emit the worker; the
  // URL they put there is checked (and, if cross-origin, wrapped) by `sameOriginWorkers`.
  const worker = sameOriginWorkers(() => new Worker(new URL('./worker.js', import.meta.url), { type: 'module', name }));
  return {
    endpoint: worker,
    onCrash(callback) {
      worker.addEventListener('error', (event) => {
        event.preventDefault();
        callback(event.error ?? new Error(event.message || 'worker error'));
      });
    },
    async terminate() {
      worker.terminate();
      // terminate() does not wait for the thread to stop, and nothing reports when it has:
      // Chromium has been seen to run a terminated worker's JavaScript for up to a second. Its
      // successor's state is safe regardless (the host locks the old incarnation out, see
      // critical.ts); this grace only lets the usual quick stop happen before the thread's
      // budget token is handed on.
      await new Promise((resolve) => setTimeout(resolve, TERMINATE_GRACE_MS));
    },
  };
}

/** One blob: URL per cross-origin worker script (kept for the page's life: workers are replaced). */
const workerShims = new Map<string, string>();

/**
 * `new Worker(url)` refuses a script from another origin — the case when weft itself is imported
 * by URL from a CDN into a notebook or any page on another origin. Such a worker starts instead
 * from a same-origin `blob:` script whose only statement loads the real one (allowed with CORS).
 * Decided by comparing origins, nothing else: a same-origin URL (every bundled or self-hosted
 * app) is passed through untouched.
 *
 * The constructor call stays literally `new Worker(new URL(…, import.meta.url), …)` inside
 * `create`, which is what bundlers look for; `Worker` is swapped only for that synchronous call.
 */
function sameOriginWorkers(create: () => Worker): Worker {
  const Native = globalThis.Worker;
  const pageOrigin = globalThis.location?.origin;
  class OriginCheckedWorker extends Native {
    constructor(url: string | URL, options?: WorkerOptions) {
      super(crossOrigin(url, pageOrigin) ? shimUrl(String(url), options?.type ?? 'classic') : url, options);
    }
  }
  globalThis.Worker = OriginCheckedWorker;
  try {
    return create();
  } finally {
    globalThis.Worker = Native;
  }
}

function crossOrigin(url: string | URL, pageOrigin: string | undefined): boolean {
  if (pageOrigin === undefined) return false;
  const target = new URL(String(url), globalThis.location.href);
  // blob: and data: scripts carry no fetchable origin of their own; leave them to the engine.
  if (target.protocol === 'blob:' || target.protocol === 'data:') return false;
  return target.origin !== pageOrigin;
}

function shimUrl(url: string, type: WorkerType): string {
  const key = `${type} ${url}`;
  let shim = workerShims.get(key);
  if (!shim) {
    const source = type === 'module' ? `import ${JSON.stringify(url)};\n` : `importScripts(${JSON.stringify(url)});\n`;
    shim = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
    workerShims.set(key, shim);
  }
  return shim;
}

export async function loadBytes(url: URL): Promise<Uint8Array<ArrayBuffer>> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`weft: could not load ${url} (HTTP ${response.status})`);
  return new Uint8Array(await response.arrayBuffer());
}

/** Inside a worker: the endpoint to the host. */
export function parentEndpoint(): Endpoint {
  return self as unknown as Endpoint;
}

export function portEndpoint(port: MessagePort): Endpoint {
  return port;
}

export function createChannel(): { port1: MessagePort; port2: MessagePort } {
  return new MessageChannel();
}

/** Task module URLs given as relative strings resolve against the page. */
export function resolveModuleUrl(url: string | URL): string {
  return new URL(url, globalThis.location?.href).href;
}
