/** The Node side of the platform seam (see ./platform-browser.ts): worker_threads and the file system. */
import type { Endpoint } from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { MessageChannel, Worker, parentPort, type MessagePort } from 'node:worker_threads';

export const platformName = 'node' as const;

export function defaultThreads(): number {
  return Math.max(1, availableParallelism());
}

export function sharedMemoryAvailable(): boolean {
  return true;
}

export function crossOriginIsolated(): boolean {
  return false;
}

export interface SpawnedWorker {
  endpoint: Endpoint;
  onCrash(callback: (error: unknown) => void): void;
  terminate(): Promise<void>;
}

export function spawnWorker(name: string): SpawnedWorker {
  const worker = new Worker(new URL('./worker.js', import.meta.url), { name });
  let terminating = false;
  return {
    endpoint: nodeEndpoint(worker),
    onCrash(callback) {
      worker.on('error', (error) => callback(error));
      worker.on('exit', (code) => {
        if (!terminating) callback(new Error(`worker exited with code ${code}`));
      });
    },
    async terminate() {
      terminating = true;
      // Resolves once the thread has really stopped, so a replacement never overlaps it.
      await worker.terminate();
    },
  };
}

export async function loadBytes(url: URL): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await readFile(url));
}

export function parentEndpoint(): Endpoint {
  if (!parentPort) throw new Error('weft: not inside a worker thread');
  return nodeEndpoint(parentPort);
}

export function portEndpoint(port: MessagePort): Endpoint {
  return nodeEndpoint(port);
}

export function createChannel(): { port1: MessagePort; port2: MessagePort } {
  return new MessageChannel();
}

export function resolveModuleUrl(url: string | URL): string {
  return new URL(url, pathToFileURL(process.cwd() + '/')).href;
}
