// @looker/sdk's page: the one-task program of the size section (Looker40SDK,
// BrowserTransport, a token session).
import { getRenderTask } from '../size/sdk-one-task.js';
import { run } from './page.js';

const readyMs = performance.now();
// As in sdk.cjs: sdk-rtl 21.6.5 logs with console.debug on every request made
// without a signal; silenced, so that the page's console carries only the result.
console.debug = () => {};
run(getRenderTask, readyMs);
