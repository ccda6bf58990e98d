// Progress of a render on stderr. On a terminal: one live line (stage,
// status, elapsed time) rewritten in place with \r and clear-line. Elsewhere
// (pipes, CI logs): one plain line per status change. Quiet: nothing.

const CLEAR_LINE = '\r\x1b[2K';
const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

const seconds = (ms) => `${(ms / 1000).toFixed(1)}s`;

export function progressReporter({ stream, mode, label, stage: first = 'creating render task', redact = (s) => s, now = Date.now }) {
  const started = now();
  let stage = first;
  let timer = null;
  let frame = 0;

  const elapsed = () => seconds(now() - started);
  const write = (text) => stream.write(redact(text));
  const draw = () => {
    frame = (frame + 1) % SPINNER.length;
    write(`${CLEAR_LINE}${SPINNER[frame]} ${label} · ${stage} · ${elapsed()}`);
  };

  if (mode === 'plain') write(`[${elapsed()}] ${label}: ${stage}\n`);
  if (mode === 'tty') {
    draw();
    timer = setInterval(draw, 100);
    timer.unref();
  }

  const stop = () => {
    if (timer) clearInterval(timer);
    timer = null;
    if (mode === 'tty') write(CLEAR_LINE);
  };

  return {
    /** A new status from `onProgress`, or a stage of our own ("downloading"). */
    stage(next, task) {
      if (next === stage) return;
      stage = next;
      if (mode === 'tty') draw();
      else if (mode === 'plain') {
        const id = task && task.id && next === 'enqueued_for_query' ? ` (render task ${task.id})` : '';
        write(`[${elapsed()}] ${label}: ${next}${id}\n`);
      }
    },
    /** Clears the live line; `message` is printed on a line of its own (not when quiet). */
    done(message) {
      stop();
      if (message && mode !== 'quiet') write(`${message} in ${elapsed()}\n`);
    },
    /** Clears the live line before an error message. */
    stop,
  };
}
