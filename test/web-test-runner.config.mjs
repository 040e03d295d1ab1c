// @web/test-runner config for weft's browser tests.
//
//   WEFT_ISOLATED=1  serve every response with COOP same-origin + COEP require-corp, so the
//                    page is crossOriginIsolated and the runtime must pick mode 'shared';
//   otherwise        no such headers: no SharedArrayBuffer, the runtime must pick 'fallback'.
//   WEFT_RESULTS_FILE=path  write {"passed","failed","skipped"} there at the end (read by scripts/test.sh).
//   WEFT_CHROMIUM=path      browser binary (default /usr/bin/chromium, Debian's package).
//
// Run from the repo root: npx wtr --config test/web-test-runner.config.mjs
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromeLauncher } from '@web/test-runner-chrome';
import { defaultReporter, summaryReporter } from '@web/test-runner';

const rootDir = fileURLToPath(new URL('..', import.meta.url));
const isolated = process.env.WEFT_ISOLATED === '1';

// A fresh profile per run, removed when the runner exits.
const userDataDir = mkdtempSync(join(tmpdir(), 'weft-chromium-'));
process.on('exit', () => {
  try { rmSync(userDataDir, { recursive: true, force: true }); } catch { /* best effort */ }
});

/** Counts every test of every session; a file that failed to load or run counts as one failure. */
function countingReporter(path) {
  return {
    onTestRunFinished({ sessions }) {
      let passed = 0, failed = 0, skipped = 0;
      const walk = (suite) => {
        if (!suite) return;
        for (const t of suite.tests) {
          if (t.skipped) skipped++;
          else if (t.passed) passed++;
          else failed++;
        }
        for (const s of suite.suites) walk(s);
      };
      for (const s of sessions) {
        const before = failed;
        walk(s.testResults);
        // Load errors, uncaught errors, timeouts: the session failed but maybe no test did.
        if (failed === before && (s.passed === false || (s.errors && s.errors.length))) failed++;
      }
      if (path) writeFileSync(path, JSON.stringify({ passed, failed, skipped }) + '\n');
    },
  };
}

const crossOriginHeaders = async (ctx, next) => {
  await next();
  if (isolated) {
    ctx.set('Cross-Origin-Opener-Policy', 'same-origin');
    ctx.set('Cross-Origin-Embedder-Policy', 'require-corp');
    ctx.set('Cross-Origin-Resource-Policy', 'same-origin');
  }
};

export default {
  rootDir,
  files: [join(rootDir, 'test/browser/**/*.test.js')],
  nodeResolve: true,
  concurrency: 1,
  concurrentBrowsers: 1,
  browserStartTimeout: 120_000,
  testsStartTimeout: 120_000,
  testsFinishTimeout: 900_000,
  middleware: [crossOriginHeaders],
  // Tell the page which isolation it was served with, so a header that got lost shows up as a failure
  // rather than as silently testing the other mode.
  testRunnerHtml: (testFramework) => `<!DOCTYPE html>
<html><head><meta charset="utf-8">
<script>window.__WEFT_SERVED_ISOLATED__ = ${isolated};</script>
</head><body><script type="module" src="${testFramework}"></script></body></html>`,
  testFramework: {
    config: { timeout: 300_000, ui: 'bdd' },
  },
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath: process.env.WEFT_CHROMIUM || '/usr/bin/chromium',
        headless: true,
        userDataDir,
        args: [
          '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
          '--disable-background-networking', '--disable-component-update', '--disable-sync',
        ],
      },
    }),
  ],
  reporters: [
    defaultReporter({ reportTestResults: true, reportTestProgress: false }),
    summaryReporter({ flatten: false }),
    countingReporter(process.env.WEFT_RESULTS_FILE),
  ],
};
