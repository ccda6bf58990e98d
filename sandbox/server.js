#!/usr/bin/env node
// CLI: node sandbox/server.js [--port N] [--human] [--ready-file PATH] [--stage-ms N]
// Prints one JSON line {url, token, clientId, clientSecret, alternateUrl} to stdout when listening.
import { writeFileSync } from 'node:fs';
import { startSandbox } from './index.js';

function parseArgs(argv) {
  const out = { human: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.includes('=') ? a.split(/=(.*)/s, 2) : [a, undefined];
    const value = () => (inline !== undefined ? inline : argv[++i]);
    if (flag === '--human') out.human = true;
    else if (flag === '--port') out.port = Number(value());
    else if (flag === '--ready-file') out.readyFile = value();
    else if (flag === '--stage-ms') out.stageMs = Number(value());
    else if (flag === '--help' || flag === '-h') out.help = true;
    else throw new Error(`unknown argument ${a}`);
  }
  return out;
}

let args;
try { args = parseArgs(process.argv.slice(2)); } catch (e) {
  process.stderr.write(`${e.message}\nusage: node sandbox/server.js [--port N] [--human] [--ready-file PATH] [--stage-ms N]\n`);
  process.exit(2);
}
if (args.help) {
  process.stdout.write('usage: node sandbox/server.js [--port N] [--human] [--ready-file PATH] [--stage-ms N]\n');
  process.exit(0);
}

const port = Number.isFinite(args.port) ? args.port
  : process.env.PORT ? Number(process.env.PORT)
  : args.human ? 8100 : 0;
let stageMs;
if (Number.isFinite(args.stageMs)) {
  stageMs = { enqueued_for_query: args.stageMs, querying: args.stageMs, enqueued_for_render: args.stageMs, rendering: args.stageMs };
} else if (args.human) {
  stageMs = { enqueued_for_query: 1000, querying: 2000, enqueued_for_render: 1000, rendering: 2000 };
}

let stopping = false;
async function stop(sig) {
  if (stopping) return;
  stopping = true;
  if (args.human) process.stderr.write(`\n${sig}: stopping sandbox\n`);
  try { await (await sandboxReady).close(); } catch { /* never started */ }
  process.exit(0);
}
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));

const sandboxReady = startSandbox({ port, stageMs, quiet: !args.human });
let sandbox;
try { sandbox = await sandboxReady; } catch (e) {
  process.stderr.write(`sandbox: cannot start on port ${port}: ${e.message}\n`);
  process.exit(1);
}
const ready = {
  url: sandbox.url, token: sandbox.token, clientId: sandbox.clientId, clientSecret: sandbox.clientSecret,
  alternateUrl: sandbox.alternateUrl,
};
const line = JSON.stringify(ready);
if (args.readyFile) writeFileSync(args.readyFile, line + '\n');
process.stdout.write(line + '\n');
if (args.human) {
  process.stderr.write([
    '',
    'looker-render sandbox (a local stand-in for the Looker API 4.0 render tasks)',
    `  Demo page:      ${sandbox.url}/`,
    `  Base URL:       ${sandbox.url}   (API under ${sandbox.url}/api/4.0)`,
    `  Access token:   ${sandbox.token}`,
    `  Client ID:      ${sandbox.clientId}`,
    `  Client secret:  ${sandbox.clientSecret}`,
    `  Stage timing:   ${Object.values(sandbox.config().stageMs).join(' / ')} ms`,
    'Press Ctrl+C to stop.',
    '',
  ].join('\n'));
}

