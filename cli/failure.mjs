// What the CLI prints when a command fails, and its exit code. The first
// line is the library's message, which already says what was being done, to
// what, what Looker answered and, where it knows, what to do
// (`create a PNG render task for look 7: 404 Not found`). The lines under it
// add what only the CLI knows: which of its settings the credentials, the
// host or the timeout came from (never their secret values), and with
// --verbose the request that failed.
import { UsageError, whence } from './config.mjs';
import { answerLine, isLogin, printableUrl, requestLine } from './requests.mjs';

export const EXIT = { ok: 0, failed: 1, usage: 2, api: 3, timeout: 4, interrupted: 130 };

/** `  access token: LOOKERSDK_ACCESS_TOKEN in the environment`, or the credentials' settings. */
function credentialLines(config) {
  if (config.auth.kind === 'token') {
    const unused = [config.clientId, config.clientSecret].filter((s) => s.value);
    return [
      `  access token: ${whence(config.accessToken)}`,
      ...(unused.length ? [`  not used while there is an access token: ${whence(...unused)}`] : []),
    ];
  }
  return [`  credentials: ${whence(config.clientId, config.clientSecret)}`];
}

const baseUrlLine = (config) => `  base URL: ${printableUrl(config.baseUrl.value)}, ${whence(config.baseUrl)}`;

function timeoutLine(config, command) {
  const t = config.timeout;
  const where = t.source === 'default'
    ? `the default for ${command} (--timeout or LOOKERSDK_TIMEOUT sets another)`
    : whence(t);
  return `  timeout: ${t.value} s, ${where}`;
}

/** What the message does not already say of the task: its id, its last status, Looker's status_detail. */
function taskLines(task, message, { status }) {
  if (!task) return [];
  const lines = [];
  if (task.id && !message.includes(task.id)) lines.push(`  render task ${task.id}`);
  if (status && task.status && !message.includes(task.status)) lines.push(`  last status: ${task.status}`);
  if (task.status_detail && !message.includes(task.status_detail)) lines.push(`  status_detail: ${task.status_detail}`);
  return lines;
}

/** Whether the error came from one request's answer (or its lack), rather than from waiting. */
const fromARequest = (error, lib) => (error instanceof lib.LookerApiError || error instanceof lib.LookerResponseError
  || error instanceof lib.LookerNetworkError || (error instanceof lib.LookerTimeoutError && !(error instanceof lib.RenderTimeoutError)));

/**
 * The exit code of a failure and the text to print (lines; the first is the
 * message). `requests` is the run's request log (requests.mjs); `verbose`
 * adds the request that failed.
 */
export function describe(error, lib, { config, command, requests, verbose = false }) {
  if (error instanceof UsageError || error instanceof TypeError || error instanceof RangeError) {
    return [EXIT.usage, error.message];
  }
  if (!(error instanceof lib.LookerError)) return [EXIT.failed, `unexpected error: ${error?.stack ?? error}`];

  const message = error.message;
  const lines = [message];
  let code = EXIT.api;
  const last = requests.last();
  if (error instanceof lib.RenderTaskFailedError) {
    code = EXIT.failed;
    lines.push(...taskLines(error.task, message, { status: false }));
  } else if (error instanceof lib.LookerTimeoutError) {
    code = EXIT.timeout;
    lines.push(...taskLines(error.task, message, { status: true }), timeoutLine(config, command));
  } else if (error instanceof lib.LookerApiError) {
    for (const e of error.errors ?? []) lines.push(`  ${e.field}: ${e.message}`);
    if (error.documentation_url) lines.push(`  see ${error.documentation_url}`);
    const login = last !== null && isLogin(last);
    if (error.status === 401 || login) lines.push(...credentialLines(config));
    if (login) lines.push(baseUrlLine(config));
  } else if (error instanceof lib.LookerNetworkError && last?.status === null) {
    lines.push(baseUrlLine(config)); // no answer at all: the host may be the wrong one
  }
  if (verbose && last !== null && fromARequest(error, lib)) {
    const label = '  failed request: ';
    lines.push(`${label}${requestLine(last)}`, `${' '.repeat(label.length)}${answerLine(last)}`);
  }
  return [code, lines.join('\n')];
}
