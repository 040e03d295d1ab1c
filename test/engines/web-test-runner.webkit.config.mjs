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
  browsers: [webkitLauncher()],
};
