// The page side of tests/fit/batch.test.mjs: the packed package's web entry
// (served at /lib/), a client for the API named in the query string, and
// outcomes and errors as plain data that page.evaluate can hand back.
const query = new URLSearchParams(location.search);

/** What the test reads of an error: its class by name and by instanceof, status and message. */
function failure(error, lib) {
  return {
    name: error?.name,
    message: error?.message,
    status: error?.status ?? null,
    isRangeError: error instanceof RangeError,
    isTypeError: error instanceof TypeError,
    isLookerApiError: error instanceof lib.LookerApiError,
    isRenderTaskFailedError: error instanceof lib.RenderTaskFailedError,
  };
}

/** One outcome of renderAll or renderMany as plain data. */
function outcome(result, lib) {
  if (!result.ok) return { ok: false, index: result.index, error: failure(result.error, lib) };
  return {
    ok: true,
    index: result.index,
    hasIndex: 'index' in result,
    taskId: result.task.id,
    status: result.task.status,
    lookId: result.task.look_id ?? null,
    contentType: result.contentType,
    isUint8Array: result.bytes instanceof Uint8Array,
    byteLength: result.bytes.byteLength,
  };
}

try {
  const lib = await import('/lib/web/index.js');
  window.fit = {
    lib,
    client: () => new lib.LookerClient({ baseUrl: query.get('baseUrl'), accessToken: query.get('token') }),
    look: (id = '7') => ({ look_id: id, result_format: 'png', width: 300, height: 200 }),
    outcome: (result) => outcome(result, lib),
    failure: (error) => failure(error, lib),
  };
  document.documentElement.dataset.ready = 'true';
} catch (error) {
  window.fitError = `${error?.name}: ${error?.message}`;
  document.documentElement.dataset.ready = 'failed';
}
