#!/usr/bin/env node
// The sandbox from the command line (sandbox/README.md, "Running it"):
//   node sandbox/server.js [--human] [--port N] [--ui-port N] [--app-port N] [--cors any|oauth-apps]
//                          [--stage-ms N] [--ready-file PATH]
// For people (--human, what `npm start` runs): a banner with the address and
// credentials on stdout. For scripts: one JSON line on stdout. Either way,
// --ready-file gets that JSON once the sandbox listens.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startSandbox, STAGES } from './index.js';
import { CORS_MODES } from './state.js';

const USAGE = 'usage: node sandbox/server.js [--human] [--port N] [--ui-port N] [--app-port N] [--cors any|oauth-apps]'
  + ' [--stage-ms N] [--ready-file PATH]\n';
const HUMAN_PORT = 8100;
const HUMAN_STAGE_MS = { enqueued_for_query: 1000, querying: 2000, enqueued_for_render: 1000, rendering: 2000 };

function usageError(message) {
  process.stderr.write(`sandbox: ${message}\n${USAGE}`);
  process.exit(2);
}

/** A whole number from min to max, or a usage error naming where it came from. */
function wholeNumber(name, raw, min, max) {
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) usageError(`${name} must be a whole number from ${min} to ${max}, not "${raw}"`);
  return value;
}

let args;
try {
  ({ values: args } = parseArgs({
    options: {
      human: { type: 'boolean', default: false },
      port: { type: 'string' },
      'ui-port': { type: 'string' },
      'app-port': { type: 'string' },
      cors: { type: 'string' },
      'stage-ms': { type: 'string' },
      'ready-file': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  }));
} catch (error) {
  usageError(error.message);
}
if (args.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}

const port = args.port !== undefined ? wholeNumber('--port', args.port, 0, 65535)
  : process.env.PORT ? wholeNumber('PORT', process.env.PORT, 0, 65535)
  : args.human ? HUMAN_PORT : 0;
// People get the Looker UI and the app origin on the next two ports, so that their URLs stay put between runs.
const nextPort = (offset) => (port !== 0 && port + offset <= 65535 ? port + offset : 0);
const uiPort = args['ui-port'] !== undefined ? wholeNumber('--ui-port', args['ui-port'], 0, 65535) : args.human ? nextPort(1) : 0;
const appPort = args['app-port'] !== undefined ? wholeNumber('--app-port', args['app-port'], 0, 65535) : args.human ? nextPort(2) : 0;
if (args.cors !== undefined && !CORS_MODES.includes(args.cors)) usageError(`--cors must be one of ${CORS_MODES.join(', ')}, not "${args.cors}"`);
const stageMs = args['stage-ms'] !== undefined
  ? Object.fromEntries(STAGES.map((stage) => [stage, wholeNumber('--stage-ms', args['stage-ms'], 0, 3_600_000)]))
  : args.human ? HUMAN_STAGE_MS : undefined;

let stopping = false;
async function stop(signal) {
  if (stopping) return;
  stopping = true;
  if (args.human) process.stderr.write(`\n${signal}: stopping the sandbox\n`);
  try { await (await sandboxReady).close(); } catch { /* never started */ }
  process.exit(0);
}
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));

const sandboxReady = startSandbox({ port, uiPort, appPort, cors: args.cors, stageMs, quiet: !args.human });
let sandbox;
try { sandbox = await sandboxReady; } catch (error) {
  process.stderr.write(`sandbox: cannot start on ports ${port} (API), ${uiPort} (Looker UI), ${appPort} (app): ${error.message}\n`);
  process.exit(1);
}

const ready = JSON.stringify({
  url: sandbox.url, token: sandbox.token, clientId: sandbox.clientId, clientSecret: sandbox.clientSecret,
  alternateUrl: sandbox.alternateUrl, lookerUrl: sandbox.lookerUrl, appUrl: sandbox.appUrl,
  oauthClientId: sandbox.oauthClientId, oauthRedirectUri: sandbox.oauthRedirectUri,
});
if (args['ready-file']) writeFileSync(args['ready-file'], `${ready}\n`);
if (!args.human) {
  process.stdout.write(`${ready}\n`);
} else {
  process.stdout.write([
    '',
    'looker-render sandbox: a local stand-in for the Looker API 4.0 render tasks',
    `  Demo page:      ${sandbox.url}/`,
    `  Base URL:       ${sandbox.url}   (API under ${sandbox.url}/api/4.0)`,
    `  Access token:   ${sandbox.token}`,
    `  Client ID:      ${sandbox.clientId}`,
    `  Client secret:  ${sandbox.clientSecret}`,
    `  Stage timing:   ${Object.values(sandbox.config().stageMs).join(' / ')} ms`,
    'Sign in with Looker (OAuth 2 with PKCE), from another origin than the API:',
    `  App origin:     ${sandbox.appUrl}/   (the demo page again, as a web app's own site)`,
    `  Looker UI:      ${sandbox.lookerUrl}   (lookerUrl: the consent page at /auth)`,
    `  OAuth client:   ${sandbox.oauthClientId}, redirect URI ${sandbox.oauthRedirectUri}`,
    `  API CORS:       ${sandbox.config().cors === 'any' ? 'any origin (--cors oauth-apps: registered app origins only)' : 'registered app origins only'}`,
    'Each API request is logged below. Press Ctrl+C to stop.',
    '',
    '',
  ].join('\n'));
}
