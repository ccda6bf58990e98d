// The sandbox's one shared state, which every handler module reads and changes:
// who it is (token, client credentials, its registered OAuth app), what it
// knows (content.json, the fixture tasks and errors), its runtime config, and
// what happened since it started or was reset (request log, fault rules,
// issued tokens, OAuth codes and grants, created tasks, their schedule and
// rendered results, counters).
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSchedule, advanceTo } from './schedule.js';
import { createCounters } from './counters.js';

const SANDBOX_DIR = path.dirname(fileURLToPath(import.meta.url));
export const REPO_DIR = path.resolve(SANDBOX_DIR, '..');
const FIXTURES_DIR = path.join(REPO_DIR, 'tests', 'fixtures');

export const DEFAULT_TOKEN = 'sandbox-token-0123456789abcdef';
export const DEFAULT_CLIENT_ID = 'sandbox-client-id';
export const DEFAULT_CLIENT_SECRET = 'sandbox-client-secret';
/** The statuses a render task goes through before `success` or `failure`, in order. */
export const STAGES = ['enqueued_for_query', 'querying', 'enqueued_for_render', 'rendering'];
export const DEFAULT_STAGE_MS = Object.freeze({ enqueued_for_query: 20, querying: 40, enqueued_for_render: 20, rendering: 60 });
/** The client id of the OAuth app registered for the sandbox's app origin (the demo page's sign-in). */
export const DEFAULT_OAUTH_CLIENT_ID = 'sandbox-web-app';
/** `cors` config: 'any' origin may call the API, or only the origins of registered 'oauth-apps'. */
export const CORS_MODES = ['any', 'oauth-apps'];
/** The sandbox has one API user: every token acts as it, so its per-user limits are the sandbox's. */
export const SANDBOX_USER_ID = '1';
// Looker's defaults: 2 render jobs at once (--concurrent-render-jobs), 15 queries at once per API user.
const DEFAULT_LOAD_CONFIG = Object.freeze({
  renderSlots: 2, maxQueriesPerUser: 15, maxPendingTasksPerUser: null, createRetryAfterSeconds: 1,
  durationSpread: 0, durationSeed: 1, targetStageMs: {},
});
const CONFIG_KEYS = [
  'stageMs', 'resultsRetryAfterSeconds', 'tokenLifetimeSeconds', 'randomDurationsMs', 'quiet',
  'cors', 'oauthApps', 'oauthTokenLifetimeSeconds', 'oauthCodeLifetimeSeconds',
  ...Object.keys(DEFAULT_LOAD_CONFIG),
];
const OAUTH_APP_KEYS = ['clientId', 'redirectUri', 'origin', 'displayName'];
// What GET /__sandbox/oauth counts (sandbox/README.md, "OAuth").
const OAUTH_COUNTERS = [
  'consentPages', 'codesIssued', 'denials', 'tokenRequests', 'tokenErrors', 'codesRedeemed', 'refreshes', 'tokensIssued', 'revocations',
];

function readJson(file) { return JSON.parse(readFileSync(file, 'utf8')); }

function loadFixtures() {
  const tasks = new Map();
  const dir = path.join(FIXTURES_DIR, 'render_tasks');
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.json')).sort()) {
    const task = readJson(path.join(dir, file));
    tasks.set(task.id, task);
  }
  const errors = {};
  for (const status of [400, 401, 404, 422, 429]) errors[status] = readJson(path.join(FIXTURES_DIR, 'errors', `${status}.json`));
  return { tasks, errors };
}

const isObject = (v) => !!v && typeof v === 'object' && !Array.isArray(v);
const nonNegative = (v) => typeof v === 'number' && Number.isFinite(v) && v >= 0;
const wholeNumber = (v) => Number.isSafeInteger(v) && v >= 0;

/** Throws a TypeError unless `stageMs` is a partial { stage: ms } (`name` says where it is). */
function validateStageMs(name, stageMs) {
  if (!isObject(stageMs)) throw new TypeError(`${name} must be an object`);
  for (const [stage, ms] of Object.entries(stageMs)) {
    if (!STAGES.includes(stage)) throw new TypeError(`unknown stage ${stage}`);
    if (!nonNegative(ms)) throw new TypeError(`${name}.${stage} must be a non-negative number`);
  }
}

/** Throws a TypeError naming the first thing wrong with a (partial) config. */
function validateConfig(partial) {
  if (!isObject(partial)) throw new TypeError('config must be an object');
  for (const key of Object.keys(partial)) if (!CONFIG_KEYS.includes(key)) throw new TypeError(`unknown config key ${key}`);
  if ('stageMs' in partial) validateStageMs('stageMs', partial.stageMs);
  for (const key of ['resultsRetryAfterSeconds', 'tokenLifetimeSeconds']) {
    if (key in partial && !nonNegative(partial[key])) throw new TypeError(`${key} must be a non-negative number`);
  }
  for (const key of ['oauthTokenLifetimeSeconds', 'oauthCodeLifetimeSeconds']) {
    if (key in partial && !wholeNumber(partial[key])) throw new TypeError(`${key} must be a whole number of seconds`);
  }
  if ('cors' in partial && !CORS_MODES.includes(partial.cors)) throw new TypeError(`cors must be one of ${CORS_MODES.join(', ')}`);
  if ('oauthApps' in partial) {
    if (!Array.isArray(partial.oauthApps)) throw new TypeError('oauthApps must be an array');
    const ids = new Set([DEFAULT_OAUTH_CLIENT_ID]);
    partial.oauthApps.forEach((app, i) => {
      checkOAuthApp(app, `oauthApps[${i}]`);
      if (ids.has(app.clientId)) throw new TypeError(`oauthApps[${i}].clientId ${app.clientId} is registered already`);
      ids.add(app.clientId);
    });
  }
  for (const key of ['renderSlots', 'maxQueriesPerUser', 'maxPendingTasksPerUser']) {
    if (key in partial && partial[key] !== null && !(wholeNumber(partial[key]) && partial[key] >= 1)) {
      throw new TypeError(`${key} must be a whole number from 1, or null for no limit`);
    }
  }
  for (const key of ['createRetryAfterSeconds', 'durationSeed']) {
    if (key in partial && !wholeNumber(partial[key])) throw new TypeError(`${key} must be a whole number from 0`);
  }
  if ('durationSpread' in partial && !(nonNegative(partial.durationSpread) && partial.durationSpread < 1)) {
    throw new TypeError('durationSpread must be a number from 0 to below 1');
  }
  if ('targetStageMs' in partial) {
    if (!isObject(partial.targetStageMs)) throw new TypeError('targetStageMs must be an object');
    for (const [target, stageMs] of Object.entries(partial.targetStageMs)) {
      if (!/^[a-z_]+\/[^/]+$/.test(target)) throw new TypeError(`targetStageMs key ${target} must be "<kind path>/<id>", as "dashboards/42"`);
      validateStageMs(`targetStageMs["${target}"]`, stageMs);
    }
  }
  if ('randomDurationsMs' in partial && partial.randomDurationsMs !== null) {
    const range = partial.randomDurationsMs;
    if (!Array.isArray(range) || range.length !== 2 || !nonNegative(range[0]) || !nonNegative(range[1]) || range[0] > range[1]) {
      throw new TypeError('randomDurationsMs must be [min, max] or null');
    }
  }
}

/** Throws a TypeError unless `app` is an OAuth client app registration: { clientId, redirectUri, origin?, displayName? }. */
function checkOAuthApp(app, name) {
  if (!isObject(app)) throw new TypeError(`${name} must be an object`);
  for (const key of Object.keys(app)) if (!OAUTH_APP_KEYS.includes(key)) throw new TypeError(`unknown key ${name}.${key}`);
  if (typeof app.clientId !== 'string' || !app.clientId) throw new TypeError(`${name}.clientId must be a non-empty string`);
  let redirect;
  try { redirect = new URL(app.redirectUri); } catch { throw new TypeError(`${name}.redirectUri must be an absolute URL`); }
  // RFC 6749 3.1.2: an absolute URI without a fragment.
  if (!['http:', 'https:'].includes(redirect.protocol) || app.redirectUri.includes('#')) {
    throw new TypeError(`${name}.redirectUri must be an http(s) URL without a fragment`);
  }
  if (app.origin !== undefined) {
    let origin;
    try { origin = new URL(app.origin).origin; } catch { origin = null; }
    if (origin !== app.origin) throw new TypeError(`${name}.origin must be an origin such as http://127.0.0.1:8102 (no path, no trailing slash)`);
  }
  if (app.displayName !== undefined && typeof app.displayName !== 'string') throw new TypeError(`${name}.displayName must be a string`);
}

/** A registered app as the sandbox uses it: the origin defaults to its redirect URI's, the name to its client id. */
export function oauthApp({ clientId, redirectUri, origin, displayName }) {
  return { clientId, redirectUri, origin: origin ?? new URL(redirectUri).origin, displayName: displayName ?? clientId };
}

const zeroCounters = () => Object.fromEntries(OAUTH_COUNTERS.map((name) => [name, 0]));

/** The state for startSandbox(options) (sandbox/README.md lists the options). */
export function createState(options = {}) {
  const initialConfig = {
    stageMs: { ...DEFAULT_STAGE_MS, ...(options.stageMs || {}) },
    resultsRetryAfterSeconds: options.resultsRetryAfterSeconds ?? 1,
    tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 3600,
    randomDurationsMs: options.randomDurationsMs ?? null,
    quiet: options.quiet ?? true,
    cors: options.cors ?? 'any',
    oauthApps: options.oauthApps ?? [],
    oauthTokenLifetimeSeconds: options.oauthTokenLifetimeSeconds ?? 3600,
    oauthCodeLifetimeSeconds: options.oauthCodeLifetimeSeconds ?? 60,
    ...Object.fromEntries(Object.entries(DEFAULT_LOAD_CONFIG).map(([key, value]) => [key, options[key] === undefined ? structuredClone(value) : options[key]])),
  };
  validateConfig(initialConfig);
  initialConfig.oauthApps = initialConfig.oauthApps.map(oauthApp);
  const fixtures = loadFixtures();
  return {
    token: options.token ?? DEFAULT_TOKEN, // valid until the sandbox stops, even after logout
    clientId: options.clientId ?? DEFAULT_CLIENT_ID,
    clientSecret: options.clientSecret ?? DEFAULT_CLIENT_SECRET,
    // The demo page, the package it loads, js/ for the render-kinds table the page imports, and
    // pdf-lib's ES module build, which the page's import map names for looker-render/pdf's 'pdf-lib'.
    staticRoots: options.staticRoots ?? {
      '/': path.join(REPO_DIR, 'www'), '/pkg/': path.join(REPO_DIR, 'pkg'), '/js/': path.join(REPO_DIR, 'js'),
      '/node_modules/pdf-lib/dist/': path.join(REPO_DIR, 'node_modules/pdf-lib/dist'),
    },
    content: readJson(options.contentFile ?? path.join(SANDBOX_DIR, 'content.json')),
    fixtureTasks: fixtures.tasks, // id -> RenderTask, served as they are
    lookerErrors: fixtures.errors, // status -> Looker Error body
    initialConfig,
    config: structuredClone(initialConfig),
    requests: [], // the request log (README: "Log entry")
    requestSeq: 0,
    faultRules: [],
    faultSeq: 0,
    issuedTokens: new Map(), // access token from /login or /api/token -> { expiresAt (ms), grantId (OAuth) or null }
    defaultOAuthApp: null, // registered for the app origin once it listens (index.js)
    oauthCodes: new Map(), // authorization code -> { clientId, redirectUri, challenge, expiresAt, used, grantId }
    oauthGrants: new Map(), // grant id -> { id, clientId, refreshToken }: what one sign-in (consent + code) gave an app
    refreshTokens: new Map(), // refresh token -> { grantId, status: 'active' | 'rotated' | 'revoked' }
    oauthSeq: 0,
    oauthCounters: zeroCounters(),
    tasks: new Map(), // id -> task created through the API (sandbox/tasks.js)
    taskSeq: 0, // tasks created since the last reset (seeds their durations)
    schedule: createSchedule(), // their queues and slots (sandbox/schedule.js)
    counters: createCounters(), // sandbox/counters.js
    results: new Map(), // task id -> Promise<{ contentType, bytes }>, rendered once
    resultBytes: new Map(), // task id -> the bytes served
    stalledSockets: new Set(), // held open by the stall faults until the client leaves or the sandbox closes
    primaryUrl: null, // set once listening
    alternateUrl: null,
    lookerUrl: null, // the web UI origin: /auth
    appUrl: null, // the OAuth app origin: the demo page and the package, as another site would serve them
  };
}

export function publicConfig(state) { return structuredClone(state.config); }

/**
 * Merges a partial config (stageMs per stage; targetStageMs as a whole); throws a TypeError on bad keys or
 * values. New slot limits apply from now on: the schedule is played up to now under the old ones first.
 */
export function configure(state, partial) {
  validateConfig(partial);
  advanceTo(state);
  const next = { ...state.config, ...structuredClone(partial) };
  if (partial.stageMs) next.stageMs = { ...state.config.stageMs, ...partial.stageMs };
  if (partial.oauthApps) next.oauthApps = next.oauthApps.map(oauthApp);
  state.config = next;
}

export function clearRequests(state) { state.requests = []; }

/** Back to as started: no log, faults, created tasks, issued tokens, codes, grants or counts; the first config. */
export function resetState(state) {
  state.requests = [];
  state.faultRules = [];
  state.tasks.clear();
  state.taskSeq = 0;
  state.schedule = createSchedule();
  state.counters = createCounters();
  state.issuedTokens.clear();
  state.oauthCodes.clear();
  state.oauthGrants.clear();
  state.refreshTokens.clear();
  state.oauthCounters = zeroCounters();
  for (const id of [...state.results.keys()]) {
    if (!state.fixtureTasks.has(id)) {
      state.results.delete(id);
      state.resultBytes.delete(id);
    }
  }
  state.config = structuredClone(state.initialConfig);
}

/** What GET /__sandbox/info and the ready file tell a client: where the sandbox is and how to sign in. */
export function sandboxInfo(state) {
  return {
    url: state.primaryUrl, alternateUrl: state.alternateUrl,
    token: state.token, clientId: state.clientId, clientSecret: state.clientSecret,
    lookerUrl: state.lookerUrl, appUrl: state.appUrl,
    oauthClientId: state.defaultOAuthApp?.clientId ?? null, oauthRedirectUri: state.defaultOAuthApp?.redirectUri ?? null,
  };
}
