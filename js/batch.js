// renderMany: many renders through one client, a few at a time. The core
// checks every request first (`Core::batch`) and decides everything about
// each render, and the client's calls share its backoff, retry budget,
// login and learned render times (core/src/throttle.rs, core/src/poll.rs);
// this only keeps `concurrency` renders going and hands results over.

/**
 * Renders `requests` with `client.render`, at most `concurrency` at once,
 * yielding `{ index, ok: true, task, bytes, contentType }` or
 * `{ index, ok: false, error }` as each finishes. The caller's signal
 * aborts all of it (the loop then throws its reason); leaving the loop
 * early cancels the renders still going.
 */
async function* renderMany(client, requests, options, concurrency) {
  const { signal, timeoutMs, onProgress } = options ?? {};
  signal?.throwIfAborted();
  const stop = new AbortController();
  const onAbort = () => stop.abort(signal.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  const running = new Map();
  let next = 0;
  const fill = () => {
    while (running.size < concurrency && next < requests.length) {
      const index = next++;
      const progress = onProgress && ((task) => onProgress(index, task));
      running.set(index, client.render(requests[index], { signal: stop.signal, timeoutMs, onProgress: progress }).then(
        ({ task, bytes, contentType }) => ({ index, ok: true, task, bytes, contentType }),
        (error) => ({ index, ok: false, error }),
      ));
    }
  };
  try {
    fill();
    while (running.size > 0) {
      const result = await Promise.race(running.values());
      running.delete(result.index);
      stop.signal.throwIfAborted();
      // The next render starts before this result is handed over, so that a
      // slow consumer does not hold a slot empty (a loop left here cancels it).
      fill();
      yield result;
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    stop.abort();
  }
}

/** Every result of `many`, in input order, without the index. */
async function renderAll(many, count) {
  const results = new Array(count);
  for await (const { index, ...result } of many) results[index] = result;
  return results;
}

export { renderMany, renderAll };
