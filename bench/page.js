// Page side of the bench protocol with bench/run.mjs: a page runs one async function, logs
// progress with `log()` (console lines starting with "[bench]", echoed by the runner), and
// leaves its JSON-able result (or its error) in `window.__weftBench` for the runner to collect.

export function log(...parts) {
  console.log('[bench]', ...parts);
}

/** The runtime must be in shared mode (cross-origin isolated, wasm threads): fail loudly otherwise. */
export function assertShared(rt) {
  const info = rt.info();
  if (info.mode !== 'shared' || !globalThis.crossOriginIsolated) {
    throw new Error(
      `weft is not in 'shared' mode (mode=${info.mode}, crossOriginIsolated=${globalThis.crossOriginIsolated}): ` +
        'the page must be served with COOP same-origin and COEP require-corp',
    );
  }
  return info;
}

export function environment() {
  return {
    userAgent: navigator.userAgent,
    hardwareConcurrency: navigator.hardwareConcurrency,
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
  };
}

export async function runBench(fn) {
  window.__weftBench = { state: 'running' };
  try {
    const result = await fn();
    window.__weftBench = { state: 'done', result };
  } catch (error) {
    console.error(error);
    window.__weftBench = { state: 'error', error: String((error && error.stack) || error) };
  }
}
