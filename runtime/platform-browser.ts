/**
 * The browser side of the one platform seam (the Node side is ./platform-node.ts, chosen through the
 * package's `imports` map: `#platform`). Everything engine-specific is here.
 */
import type { Endpoint } from 'comlink';

export const platformName = 'browser' as const;

export function defaultThreads(): number {
  return Math.max(1, navigator.hardwareConcurrency || 1);
}

/** Shared memory can be handed to workers only on a cross-origin isolated page. */
export function sharedMemoryAvailable(): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && globalThis.crossOriginIsolated === true;
}

export function crossOriginIsolated(): boolean {
  return globalThis.crossOriginIsolated === true;
}

export interface SpawnedWorker {
  endpoint: Endpoint;
  /** Called once if the worker dies on its own (an uncaught error, out of memory). */
  onCrash(callback: (error: unknown) => void): void;
  terminate(): Promise<void>;
}

export function spawnWorker(name: string): SpawnedWorker {
  // Written out literally so bundlers (Vite, webpack 5, esbuild) see and emit the worker.
  const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module', name });
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
    },
  };
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
