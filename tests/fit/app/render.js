// What every fit app does, in a page or a worker: render a look to PNG with
// looker-render, hash the bytes, and check that an API error arrives as the
// package's own class. `lib` is the looker-render module, however loaded.
export async function renderOnce(lib, { baseUrl, token }) {
  const { LookerClient, LookerApiError } = lib;
  const looker = new LookerClient({ baseUrl, accessToken: token });
  const { task, bytes, contentType } = await looker.render(
    { look_id: '7', result_format: 'png', width: 320, height: 200 },
    { timeoutMs: 20_000 },
  );
  const digest = [...new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))]
    .map((b) => b.toString(16).padStart(2, '0')).join('');
  let error = null;
  try {
    await looker.renderTask('no-such-task');
  } catch (e) {
    error = { name: e.name, status: e.status, isLookerApiError: e instanceof LookerApiError };
  }
  const inWorker = typeof WorkerGlobalScope !== 'undefined' && globalThis instanceof WorkerGlobalScope;
  return {
    scope: inWorker ? 'worker' : 'window',
    taskId: task.id,
    status: task.status,
    contentType,
    isUint8Array: bytes instanceof Uint8Array,
    length: bytes.length,
    digest,
    error,
  };
}

/** Runs renderOnce in a module worker made by `makeWorker()`; the worker says 'ready' once its imports (and the wasm) are loaded. */
export function renderInWorker(makeWorker, options) {
  return new Promise((resolve, reject) => {
    const worker = makeWorker();
    const timer = setTimeout(() => { worker.terminate(); reject(new Error('the worker did not answer in 20 s')); }, 20_000);
    worker.onerror = (event) => { clearTimeout(timer); worker.terminate(); reject(new Error(`worker error: ${event.message}`)); };
    worker.onmessage = ({ data }) => {
      if (data === 'ready') return worker.postMessage(options);
      clearTimeout(timer);
      worker.terminate();
      if (data && data.failed) reject(new Error(`in the worker: ${data.failed}`));
      else resolve(data);
    };
  });
}

/** The page side: both runs, reported on window.__fit for the test. */
export async function report(run) {
  const query = new URLSearchParams(location.search);
  const options = { baseUrl: query.get('baseUrl'), token: query.get('token') };
  const out = {};
  for (const [name, fn] of Object.entries(run)) {
    try {
      out[name] = await fn(options);
    } catch (e) {
      out[name] = { failed: `${e && e.name}: ${e && e.message}` };
    }
  }
  window.__fit = out;
  document.documentElement.dataset.done = 'true';
}
