// The browser suite (test/browser/*.test.js, same files, same isolation switch) on Firefox ESR,
// driven over WebDriver BiDi by puppeteer-core through @web/test-runner-chrome's launcher.
//
//   WEFT_ISOLATED=1 npx wtr --config test/engines/web-test-runner.firefox.config.mjs   → mode 'shared'
//   npx wtr --config test/engines/web-test-runner.firefox.config.mjs                   → mode 'fallback'
//   WEFT_FIREFOX=path  browser binary (default /usr/bin/firefox-esr, Debian's package)
//
// Everything else (files, COOP/COEP middleware, timeouts, the result counter that
// scripts/test.sh reads) comes from the Chromium config.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import { chromeLauncher } from '@web/test-runner-chrome';
import base from '../web-test-runner.config.mjs';

const profile = mkdtempSync(join(tmpdir(), 'weft-firefox-'));
process.on('exit', () => {
  try { rmSync(profile, { recursive: true, force: true }); } catch { /* best effort */ }
});

export default {
  ...base,
  browsers: [
    chromeLauncher({
      puppeteer,
      launchOptions: {
        browser: 'firefox',
        executablePath: process.env.WEFT_FIREFOX || '/usr/bin/firefox-esr',
        headless: true,
        userDataDir: profile,
        extraPrefsFirefox: {
          // No update checks, telemetry or remote settings: the machine has no network but loopback.
          'app.update.enabled': false,
          'datareporting.policy.dataSubmissionEnabled': false,
          'toolkit.telemetry.enabled': false,
          'browser.safebrowsing.malware.enabled': false,
          'browser.safebrowsing.phishing.enabled': false,
          'network.captive-portal-service.enabled': false,
        },
      },
    }),
  ],
};
