// LookerClient, the package's class: each method is one call into the wasm
// core (`Core::call` in src/lib.rs), which checks the arguments and runs the
// call through js/driver.js. Nothing is decided here. The methods are async
// so that a wrong argument rejects rather than throws. The types and docs of
// every method are in src/types.d.ts.

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

    async login() {
      return this.#core.call(LOGIN);
    }

    async logout() {
      return this.#core.call(LOGOUT);
    }

    async renderTask(renderTaskId, options) {
      return this.#core.call(RENDER_TASK, renderTaskId, options);
    }

    async createLookRenderTask(lookId, resultFormat, width, height, options) {
      return this.#core.call(CREATE_LOOK_RENDER_TASK, lookId, resultFormat, width, height, options);
    }

    async createQueryRenderTask(queryId, resultFormat, width, height, options) {
      return this.#core.call(CREATE_QUERY_RENDER_TASK, queryId, resultFormat, width, height, options);
    }

    async createDashboardElementRenderTask(dashboardElementId, resultFormat, width, height, options) {
      return this.#core.call(CREATE_DASHBOARD_ELEMENT_RENDER_TASK, dashboardElementId, resultFormat, width, height, options);
    }

    async createDashboardRenderTask(request, options) {
      return this.#core.call(CREATE_DASHBOARD_RENDER_TASK, request, options);
    }

    async renderTaskResults(renderTaskId, options) {
      return this.#core.call(RENDER_TASK_RESULTS, renderTaskId, options);
    }

    async waitForRenderTask(renderTaskId, options) {
      return this.#core.call(WAIT_FOR_RENDER_TASK, renderTaskId, options);
    }

    async render(request, options) {
      return this.#core.call(RENDER, request, options);
    }
  };
}

export { lookerClientClass };
