// The env the shared suites get in the browser: mocha's BDD globals (set up by @web/test-runner
// before a test file is imported) and what this page was served with.
export function browserEnv(api) {
  const servedIsolated = typeof window.__WEFT_SERVED_ISOLATED__ === 'boolean'
    ? window.__WEFT_SERVED_ISOLATED__
    : globalThis.crossOriginIsolated === true;
  return {
    describe: globalThis.describe,
    it: globalThis.it,
    before: globalThis.before,
    after: globalThis.after,
    ...api,
    platform: 'browser',
    servedIsolated,
    expectedMode: servedIsolated ? 'shared' : 'fallback',
    defaultThreads: navigator.hardwareConcurrency,
  };
}
