// Loads looker-render itself, and says in the banner while it loads or if it cannot.
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
