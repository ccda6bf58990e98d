// A module worker that imports looker-render's browser entry directly.
import * as lib from '/pkg/web/index.js';
import { renderOnce } from '/app/render.js';

self.onmessage = async ({ data }) => {
  try {
    self.postMessage(await renderOnce(lib, data));
  } catch (e) {
    self.postMessage({ failed: `${e && e.name}: ${e && e.message}` });
  }
};
self.postMessage('ready');
