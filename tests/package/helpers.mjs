// Shared by the package tests: a sandbox per test file, and small helpers
// to read what it received.
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
