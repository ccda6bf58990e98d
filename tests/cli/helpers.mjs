// Shared by the CLI tests: the installed bin, a sandbox per test file, a
// scratch directory per test, and a bounded way to run the bin.
import { before, after, beforeEach } from 'node:test';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:net';
import { startSandbox } from '../../sandbox/index.js';

const here = dirname(fileURLToPath(import.meta.url));
export const BIN = join(here, 'node_modules/.bin/looker-render');
export const PACKAGE_DIR = join(here, 'node_modules/looker-render');
if (!existsSync(BIN)) {
  throw new Error(`${BIN} is missing: run tests/cli/install.sh first (it installs the packed package here)`);
}
export const PACKAGE = JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8'));

export const sandbox = (options = {}) => startSandbox({ quiet: true, ...options });

/** One sandbox for a test file: `use` gets it once it listens; reset before each test, closed after the last. */
export function sandboxForFile(use, options) {
  let sb;
  before(async () => { sb = await sandbox(options); use(sb); });
  beforeEach(() => sb.reset());
  after(() => sb.close());
}

/** The text of a looker.ini with one section. */
export const ini = (values, section = 'Looker') => `[${section}]\n${Object.entries(values).map(([k, v]) => `${k}=${v}`).join('\n')}\n`;

/** The API requests the sandbox saw, without CORS preflights. */
export const apiRequests = (sb) => sb.requests().filter((r) => r.method !== 'OPTIONS');

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A fresh, empty directory; removed after the test. */
export function scratch(t, files = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'looker-render-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** The environment of a run: nothing from ours but PATH and HOME, so no LOOKERSDK_* leaks in. */
export function environment(extra = {}) {
  const env = { PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`, HOME: process.env.HOME ?? '/tmp' };
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) env[k] = v;
  return env;
}

/** The usual environment for a sandbox: its URL and its fixed token. */
export const tokenEnv = (sb, extra = {}) => environment({ LOOKERSDK_BASE_URL: sb.url, LOOKERSDK_ACCESS_TOKEN: sb.token, ...extra });

/**
 * Starts the installed bin. `onStderr` sees stderr as it arrives. The child
 * is killed after `limitMs` so that no test can hang.
 */
export function start(args, { cwd, env, limitMs = 15_000, onStderr } = {}) {
  const child = spawn(BIN, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = [];
  let err = '';
  child.stdout.on('data', (d) => out.push(d));
  child.stderr.on('data', (d) => { err += d; onStderr?.(err); });
  const started = Date.now();
  const killer = setTimeout(() => child.kill('SIGKILL'), limitMs);
  const done = new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      resolve({ code, signal, stdout: Buffer.concat(out), stderr: err, ms: Date.now() - started });
    });
  });
  return { child, done };
}

export const run = (args, options) => start(args, options).done;

/** A TCP port on 127.0.0.1 that nothing listens on. */
export async function closedPort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A task's record as `GET /__sandbox/tasks/:id` gives it (`filters`: its dashboard_filters as Looker decodes them). */
export async function taskRecord(sb, id) {
  const response = await fetch(`${sb.url}/__sandbox/tasks/${encodeURIComponent(id)}`);
  if (response.status !== 200) throw new Error(`GET /__sandbox/tasks/${id}: ${response.status}`);
  return response.json();
}

/** The render task id of a run, from the results download the sandbox saw. */
export function resultTaskId(sb) {
  const results = apiRequests(sb).filter((r) => r.method === 'GET' && r.path.endsWith('/results'));
  return results.at(-1)?.path.split('/').at(-2);
}

/** Whether script(1) is there to run the bin on a pseudo-terminal. */
export function hasScript() {
  try {
    execFileSync('script', ['-qec', 'true', '/dev/null'], { stdio: 'ignore', timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}
