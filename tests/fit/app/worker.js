// The module worker of the fit app: loads looker-render, says 'ready', then
// renders once with the options it is sent.
import * as lib from 'looker-render';
import { renderOnce } from './render.js';

self.onmessage = async ({ data }) => {
  try {
    self.postMessage(await renderOnce(lib, data));
  } catch (e) {
    self.postMessage({ failed: `${e && e.name}: ${e && e.message}` });
  }
};
self.postMessage('ready');
