// Shared by the pages of the browser cold-start section (bench/run.mjs bundles
// each contender's page with esbuild and serves it): reads the sandbox's
// connection from the query string, gets the fixture task once, and prints one
// `BENCH-RESULT` console line with the page's clock (milliseconds since the
// navigation started): when the library was ready and when the task resolved.

/** `getRenderTask(baseUrl, token, id)` is the contender's; `readyMs` when its page script began to run. */
export function run(getRenderTask, readyMs) {
  const query = new URLSearchParams(location.search);
  const id = query.get('task');
  const result = (value) => console.log(`BENCH-RESULT ${JSON.stringify(value)}`);
  getRenderTask(query.get('baseUrl'), query.get('token'), id).then((task) => {
    const firstMs = performance.now();
    result(task.id === id ? { readyMs, firstMs } : { error: `wrong task: ${task.id}` });
  }, (error) => result({ error: String(error && error.stack ? error.stack : error) }));
}
