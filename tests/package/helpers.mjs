// Shared by the package tests: a sandbox per test file, and small helpers
// to read what it received.
import { spawn } from 'node:child_process';
import { startSandbox } from '../../sandbox/index.js';

export async function sandbox(options = {}) {
  const sb = await startSandbox({ quiet: true, ...options });
  return sb;
}

/** The API requests the sandbox saw, without CORS preflights. */
export function apiRequests(sb) {
  return sb.requests().filter((r) => r.method !== 'OPTIONS');
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs an ES module `script` in a new Node process (importing the installed
 * package); resolves with its exit code, stdout and how long it lived.
 */
export async function runScript(script) {
  const started = Date.now();
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: new URL('.', import.meta.url) });
  let stdout = '';
  child.stdout.on('data', (d) => { stdout += d; });
  const code = await new Promise((resolve) => child.on('exit', resolve));
  return { code, stdout: stdout.trim(), ms: Date.now() - started };
}
