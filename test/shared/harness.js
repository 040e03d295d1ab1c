// Glue between the suites and the two runners.
//
// A suite is a function taking an env:
//   { describe, it, before, after,   // mocha globals in the browser, node:test exports in Node
//     createRuntime, WeftError,      // from dist/runtime/index.js
//     expectedMode,                  // 'shared' | 'fallback'
//     platform,                      // 'browser' | 'node'
//     defaultThreads,                // navigator.hardwareConcurrency / os.availableParallelism()
//     servedIsolated }               // browser: whether COOP/COEP were served; Node: null

/** Registers before/after hooks that create and close a runtime; returns a getter for it. */
export function useRuntime(env, options) {
  let rt;
  let error;
  env.before(async () => {
    try {
      rt = await (options === undefined ? env.createRuntime() : env.createRuntime(options));
    } catch (e) {
      error = e;
      throw e;
    }
  });
  env.after(async () => {
    if (rt) await rt.close();
  });
  return () => {
    if (!rt) throw new Error(`no runtime: createRuntime(${JSON.stringify(options)}) failed: ${error && (error.stack || error)}`);
    return rt;
  };
}

/** Copies of the given typed arrays (to check later that a call left its inputs alone). */
export function snapshot(arrays) {
  return arrays.map((a) => a.slice());
}
