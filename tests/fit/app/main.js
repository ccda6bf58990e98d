// A tiny app that uses looker-render as an npm dependency, built by each
// bundler under test: in the page, and in a module worker.
import * as lib from 'looker-render';
import { renderOnce, renderInWorker, report } from './render.js';

await report({
  main: (options) => renderOnce(lib, options),
  worker: (options) => renderInWorker(
    () => new Worker(new URL('./worker.js', import.meta.url), { type: 'module' }),
    options,
  ),
});
