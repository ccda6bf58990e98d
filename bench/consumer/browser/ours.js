// looker-render's page: the one-task program of the size section, through the
// package's web entry (it fetches and compiles the .wasm beside the bundle
// with top-level await, so this module runs once the library is ready).
import { getRenderTask } from '../size/ours-one-task.js';
import { run } from './page.js';

run(getRenderTask, performance.now());
