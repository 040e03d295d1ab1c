// Only for `vite` (the dev server); `vite build` needs no config at all.
// The dev server pre-bundles dependencies into node_modules/.vite/deps/, which moves weft's code
// away from its worker and .wasm files, so `new URL(…, import.meta.url)` points at nothing.
// The one line weft needs (README.md, "Using weft with bundlers"):
//     optimizeDeps: { exclude: ['weft'] }
// `server.headers` is the test's switch between an isolated page (COOP/COEP) and a plain one.
const isolated = process.env.WEFT_ISOLATED === '1';
export default {
  optimizeDeps: { exclude: ['weft'] },
  server: {
    headers: isolated
      ? { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' }
      : {},
  },
};
