// LookerClient, the package's class: each method is one call into the wasm
// core (`Core::call` in src/lib.rs), which checks the arguments and runs the
// call through js/driver.js; a batch is many renders (js/batch.js). Nothing
// is decided here. The types and docs of every method are in src/types.d.ts.

import { renderMany, renderAll } from './batch.js';

// Method numbers, as src/lib.rs numbers them.
const LOGIN = 0;
const LOGOUT = 1;
const RENDER_TASK = 2;
const CREATE_LOOK_RENDER_TASK = 3;
const CREATE_QUERY_RENDER_TASK = 4;
const CREATE_DASHBOARD_ELEMENT_RENDER_TASK = 5;
const CREATE_DASHBOARD_RENDER_TASK = 6;
const RENDER_TASK_RESULTS = 7;
const WAIT_FOR_RENDER_TASK = 8;
const RENDER = 9;

/** The `LookerClient` class over the wasm's `Core` (the entries pass it in). */
function lookerClientClass(Core) {
  return class LookerClient {
    #core;

    constructor(options) {
      this.#core = new Core(options);
    }

    // A wrong argument rejects, as every failure does.
    #call(method, a, b, c, d, e) {
      try {
        return this.#core.call(method, a, b, c, d, e);
      } catch (error) {
        return Promise.reject(error);
      }
    }

    login() {
      return this.#call(LOGIN);
    }

    logout() {
      return this.#call(LOGOUT);
    }

    renderTask(renderTaskId, options) {
      return this.#call(RENDER_TASK, renderTaskId, options);
    }

    createLookRenderTask(lookId, resultFormat, width, height, options) {
      return this.#call(CREATE_LOOK_RENDER_TASK, lookId, resultFormat, width, height, options);
    }

    createQueryRenderTask(queryId, resultFormat, width, height, options) {
      return this.#call(CREATE_QUERY_RENDER_TASK, queryId, resultFormat, width, height, options);
    }

    createDashboardElementRenderTask(dashboardElementId, resultFormat, width, height, options) {
      return this.#call(CREATE_DASHBOARD_ELEMENT_RENDER_TASK, dashboardElementId, resultFormat, width, height, options);
    }

    createDashboardRenderTask(request, options) {
      return this.#call(CREATE_DASHBOARD_RENDER_TASK, request, options);
    }

    renderTaskResults(renderTaskId, options) {
      return this.#call(RENDER_TASK_RESULTS, renderTaskId, options);
    }

    waitForRenderTask(renderTaskId, options) {
      return this.#call(WAIT_FOR_RENDER_TASK, renderTaskId, options);
    }

    render(request, options) {
      return this.#call(RENDER, request, options);
    }

    renderMany(requests, options) {
      return renderMany(this, requests, options, this.#core.batch(requests, options));
    }

    renderAll(requests, options) {
      try {
        return renderAll(this.renderMany(requests, options), requests.length);
      } catch (error) {
        return Promise.reject(error);
      }
    }
  };
}

export { lookerClientClass };
