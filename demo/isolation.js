// Is this page cross-origin isolated, and if not, is the COOP/COEP service worker about to
// make it so? index.html loads coi-serviceworker before this module: on a page served without
// the headers it registers a service worker that adds them and reloads the page once. weft
// must not start before that reload (it would start in fallback mode, then be torn down), nor
// wait forever where service workers cannot work.

/** How long to wait for the service worker's reload before settling for fallback mode. */
const REGISTER_WAIT_MS = 3000;
const RELOAD_WAIT_MS = 10000;

/**
 * Resolves to `{ isolated: true, via: 'headers' | 'service-worker' }`, or to
 * `{ isolated: false, reason }` with reason 'insecure-context' | 'no-service-worker' |
 * 'service-worker-failed' | 'service-worker-no-effect'. Never resolves if the page is
 * reloading to become isolated.
 */
export async function ensureIsolation() {
  const sw = navigator.serviceWorker;
  if (globalThis.crossOriginIsolated) return { isolated: true, via: sw?.controller ? 'service-worker' : 'headers' };
  if (!globalThis.isSecureContext) return { isolated: false, reason: 'insecure-context' };
  if (!sw) return { isolated: false, reason: 'no-service-worker' };
  // Controlled by the worker and still not isolated: the browser ignored its headers.
  if (sw.controller) return { isolated: false, reason: 'service-worker-no-effect' };
  const start = performance.now();
  for (;;) {
    if (window.__weftCoiReloading) return new Promise(() => {}); // the reload is under way
    const elapsed = performance.now() - start;
    if (elapsed > RELOAD_WAIT_MS) return { isolated: false, reason: 'service-worker-failed' };
    if (elapsed > REGISTER_WAIT_MS && !(await sw.getRegistration().catch(() => undefined))) {
      return { isolated: false, reason: 'service-worker-failed' };
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A sentence per reason, for the status line and the Runtime panel. */
export const FALLBACK_REASONS = {
  'insecure-context': 'the page is not a secure context (HTTPS or localhost), where service workers cannot run',
  'no-service-worker': 'the server sent no COOP/COEP headers and service workers are unavailable here (private browsing, or disabled)',
  'service-worker-failed': 'the server sent no COOP/COEP headers and the service worker that adds them could not be registered',
  'service-worker-no-effect': 'a service worker controls the page but the browser did not isolate it',
  'unsupported': 'this browser does not support cross-origin isolation',
};
