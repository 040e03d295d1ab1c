// The env the shared suites get in Node: node:test's describe/it/hooks; worker_threads always
// have SharedArrayBuffer, so the runtime must be in mode 'shared'.
import { describe, it, before, after } from 'node:test';
import os from 'node:os';

export function nodeEnv(api) {
  return {
    describe,
    it,
    before,
    after,
    ...api,
    platform: 'node',
    servedIsolated: null,
    expectedMode: 'shared',
    defaultThreads: os.availableParallelism(),
  };
}
