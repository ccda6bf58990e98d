// Loads looker-render itself, and says in the banner while it loads or if it cannot;
// and mergePdfs, for the many mode, when it is first needed.
import { ui } from './dom.js';

// Relative, so it resolves to /pkg/web/index.js both when www/ is served at
// the root (the sandbox) and when the repository root is served as is.
const LIB_URL = new URL('../pkg/web/index.js', import.meta.url).href;

function showBanner(tone, text) {
  ui.banner.className = `banner ${tone}`;
  ui.banner.textContent = text;
  ui.banner.hidden = false;
}

showBanner('info', 'Loading looker-render…');

/** The package's module; `<html data-lib>` says `ready` or `failed` once settled (the browser test waits for it). */
export const libReady = import(LIB_URL).then((lib) => {
  ui.banner.hidden = true;
  document.documentElement.dataset.lib = 'ready';
  return lib;
}, (error) => {
  showBanner('error', `Could not load looker-render from ${LIB_URL}: ${error.message}. Build it with "npm run build" and serve the repository with "npm start".`);
  document.documentElement.dataset.lib = 'failed';
  throw error;
});
libReady.catch(() => {}); // said in the banner; each use still sees the rejection

// mergePdfs comes from the package's looker-render/pdf entry, pkg/pdf/index.js; it imports 'pdf-lib',
// which the import map in index.html points at pdf-lib's ES module build. Loaded on first use: the
// single mode never needs it.
const PDF_URL = new URL('../pkg/pdf/index.js', import.meta.url).href;
let pdfModule = null;

/** The looker-render/pdf module (`{ mergePdfs }`); rejects with an Error that says where it looked. */
export function loadPdf() {
  pdfModule ??= import(PDF_URL).catch((error) => {
    pdfModule = null; // let a later merge try again
    throw new Error(`Could not load mergePdfs from ${PDF_URL} (and pdf-lib through the page's import map): ${error.message}. Install the npm packages with "npm ci".`, { cause: error });
  });
  return pdfModule;
}
