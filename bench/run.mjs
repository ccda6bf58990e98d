#!/usr/bin/env node
// The benchmarks: looker-render (the packed package) side by side
// with a bare fetch + JSON.parse (the floor) and @looker/sdk, against the
// sandbox on 127.0.0.1 in its own process. Each contender runs in its own
// Node process (or, in the browser section, its own Chromium context), the
// contenders alternating round by round; the table gives medians over rounds
// with min–max, and ratios to contenders of the same run.
//
//   node bench/run.mjs            the full run (~14 min on a quiet 2-core machine, 9 of them the batch section); writes bench/results.md
//   node bench/run.mjs --quick    every section with tiny counts (about a minute); writes bench/tmp/results-quick.md
//   options: --no-build (use pkg/ as it is), --build (rebuild even with --quick),
//            --only=percall,decode,size,cold,browser,poll,memory,batch (writes bench/tmp/results-partial.md)
//
// See bench/README.md for what each number means. Nothing here passes or
// fails on a timing: a run exits non-zero only when a contender breaks.

import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, extname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { brotliCompressSync, gzipSync, constants as zlib } from 'node:zlib';
import { SCHEDULES, simulate } from './simulate.mjs';
import { sorted, median, mean, percentile } from './stats.cjs';

const bench = dirname(fileURLToPath(import.meta.url));
const root = join(bench, '..');
const consumer = join(bench, 'consumer');
const tmp = join(bench, 'tmp');
const ALL = ['percall', 'decode', 'size', 'cold', 'browser', 'poll', 'memory', 'batch'];
function usage(message) {
  process.stderr.write(`bench: ${message}\nusage: node bench/run.mjs [--quick] [--no-build | --build] [--only=${ALL.join(',')}]\n`);
  process.exit(2);
}
let args;
try {
  ({ values: args } = parseArgs({
    options: { quick: { type: 'boolean' }, build: { type: 'boolean' }, 'no-build': { type: 'boolean' }, only: { type: 'string' } },
    strict: true,
  }));
} catch (error) {
  usage(error.message);
}
const quick = args.quick ?? false;
const partial = args.only !== undefined;
const only = partial ? args.only.split(',') : ALL;
for (const s of only) if (!ALL.includes(s)) usage(`unknown section ${s}; one of ${ALL.join(', ')}`);
if (args.build && args['no-build']) usage('--build or --no-build, not both');

// Counts: the full run's (bench/README.md says what each is), and a smoke
// run's, tiny, which only shows that every section still runs.
const C = quick ? {
  percall: { rounds: 1, n: 200, warmup: 20, inFlight: 64 },
  decode: { rounds: 1, n: 2_000, warmup: 200 },
  cold: { rounds: 2 },
  browser: { rounds: 2 },
  poll: { renders: 10, inFlight: 10, durations: [300, 1500] },
  memory: { rounds: 1, n: 100, holdMs: 1_000 },
  batch: { renders: 6, renderMs: 1_000, spread: 0.2, pendingLimit: 3, outageAfterMs: 1_500, outageSeconds: 2, retryAfter: 1 },
} : {
  percall: { rounds: 5, n: 2_000, warmup: 4_000, inFlight: 64 },
  decode: { rounds: 3, n: 100_000, warmup: 5_000 },
  cold: { rounds: 12 },
  browser: { rounds: 12 },
  poll: { renders: 200, inFlight: 20, durations: [500, 6000] },
  memory: { rounds: 3, n: 1_000, holdMs: 4_000 },
  batch: { renders: 40, renderMs: 4_000, spread: 0.2, pendingLimit: 10, outageAfterMs: 5_000, outageSeconds: 10, retryAfter: 1 },
};
const FIXTURE_TASK = '7d1c0a5e9b3f4e21a8c6d2b0f1e3a4c5';
const CONTENDERS = { floor: 'floor.mjs', ours: 'ours.mjs', sdk: 'sdk.cjs' };
const LABEL = { floor: 'fetch + JSON.parse (floor)', ours: 'looker-render', sdk: '@looker/sdk' };

const log = (message) => process.stderr.write(`[bench] ${message}\n`);
const t0 = Date.now();
const loadAtStart = os.loadavg()[0];

// ---------- setup: build, pack, install, sandbox ----------

function build() {
  const missing = !existsSync(join(root, 'pkg/package.json'));
  if (args['no-build'] && !missing) return;
  if (quick && !missing && !args.build) return; // a smoke run uses the pkg/ there is
  log('node scripts/build.mjs');
  execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
}

/** Packs pkg/ as npm would publish it and installs it into bench/consumer, as scripts/test-package.sh does. */
function install() {
  mkdirSync(tmp, { recursive: true });
  for (const f of readdirSync(tmp)) if (/^looker-render-.*\.tgz$/.test(f)) rmSync(join(tmp, f));
  const out = execFileSync('npm', ['pack', join(root, 'pkg'), '--pack-destination', tmp, '--silent'], { cwd: root, encoding: 'utf8' });
  const tarball = join(tmp, out.trim().split('\n').pop());
  execFileSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error', tarball],
    { cwd: consumer, stdio: ['ignore', 'inherit', 'inherit'] });
  log(`installed ${relative(root, tarball)} into ${relative(root, consumer)}`);
}

async function startSandbox() {
  const ready = join(tmp, `sandbox-${process.pid}.json`);
  rmSync(ready, { force: true });
  const child = spawn(process.execPath, [join(root, 'sandbox/server.js'), '--port', '0', '--ready-file', ready],
    { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  for (let i = 0; i < 200 && !existsSync(ready); i++) {
    if (child.exitCode !== null) throw new Error('the sandbox exited before it was ready');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  let info;
  for (let i = 0; i < 20; i++) {
    try { info = JSON.parse(readFileSync(ready, 'utf8')); break; } catch { await new Promise((r) => setTimeout(r, 50)); }
  }
  if (!info) throw new Error('the sandbox did not start in 10 s');
  rmSync(ready, { force: true });
  const control = async (method, path, body) => {
    const res = await fetch(`${info.url}/__sandbox${path}`, {
      method, body: body === undefined ? undefined : JSON.stringify(body),
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
    });
    if (!res.ok) throw new Error(`sandbox ${method} ${path}: HTTP ${res.status}`);
    return res.status === 204 ? null : res.json();
  };
  const stop = async () => { child.kill('SIGTERM'); await exited; };
  return { url: info.url, token: info.token, control, stop };
}

/** Runs one contender process; resolves with what it reported. */
function runContender(name, params, nodeArgs = []) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, join(consumer, CONTENDERS[name]), JSON.stringify(params)],
      { cwd: consumer, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.once('error', reject);
    child.once('exit', (code) => {
      const line = stdout.split('\n').find((l) => l.startsWith('BENCH-RESULT '));
      if (code !== 0 || !line) {
        reject(new Error(`${name} ${params.section} exited with ${code}:\n${stderr || stdout}`));
      } else resolve(JSON.parse(line.slice('BENCH-RESULT '.length)));
    });
  });
}

// ---------- formatting (statistics: stats.cjs) ----------

function fmt(x, digits) {
  if (x === undefined || x === null || Number.isNaN(x)) return '—';
  const d = digits ?? (Math.abs(x) >= 100 ? 0 : Math.abs(x) >= 10 ? 1 : 2);
  return x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
}
/** "median (min–max)" of one contender's values over the rounds. */
function cell(xs, digits) {
  if (!xs || !xs.length) return '—';
  if (xs.length === 1) return fmt(xs[0], digits);
  const s = sorted(xs);
  return `${fmt(median(xs), digits)} (${fmt(s[0], digits)}–${fmt(s[s.length - 1], digits)})`;
}
const ratio = (a, b) => {
  const q = a === undefined || b === undefined || !xsOk(a) || !xsOk(b) ? NaN : median(a) / median(b);
  return Number.isFinite(q) ? `${fmt(q, 2)}×` : '—'; // 0 ÷ 0 (no 429s either side) says nothing
};
const xsOk = (xs) => Array.isArray(xs) && xs.length > 0;
const MB = 1024 * 1024;

// Rows of the summary table: { section, metric, values: {floor, ours, sdk}, digits, note }.
const rows = [];
const details = [];
const targets = [];
const add = (row) => rows.push(row);

// ---------- sections ----------

async function roundRobin(section, rounds, params, pick, contenders = ['floor', 'ours', 'sdk'], nodeArgs = [], between) {
  const results = Object.fromEntries(contenders.map((c) => [c, []]));
  for (let r = 0; r < rounds; r++) {
    for (const c of contenders) {
      results[c].push(pick(await runContender(c, { section, ...params }, nodeArgs), c));
      if (between) await between();
    }
    log(`${section}: round ${r + 1}/${rounds} done`);
  }
  return results;
}
const column = (results, key) => Object.fromEntries(Object.entries(results).map(([c, rs]) => [c, rs.map((r) => r[key])]));

async function percall(sb) {
  const { rounds, n, warmup, inFlight } = C.percall;
  // Warm the sandbox's JIT first, so that the first contender does not pay for it.
  await runContender('floor', { section: 'percall', url: sb.url, token: sb.token, taskId: FIXTURE_TASK, n, warmup, inFlight });
  await sb.control('DELETE', '/requests');
  const res = await roundRobin('percall', rounds, { url: sb.url, token: sb.token, taskId: FIXTURE_TASK, n, warmup, inFlight },
    (r) => ({
      seqMs: r.seq.medianMs, seqTput: r.seq.throughput, seqCpu: r.seq.cpuUsPerCall,
      parMs: r.par.medianMs, parTput: r.par.throughput, parCpu: r.par.cpuUsPerCall,
      warm: r.warm,
    }), undefined, [], () => sb.control('DELETE', '/requests'));
  const s = `1. per call (${fmt(n, 0)} × renderTask)`;
  add({ section: s, metric: 'sequential: median latency, ms', values: column(res, 'seqMs'), digits: 3, lower: true });
  add({ section: s, metric: 'sequential: throughput, calls/s', values: column(res, 'seqTput'), digits: 0 });
  add({ section: s, metric: 'sequential: client CPU per call, µs', values: column(res, 'seqCpu'), digits: 0, lower: true });
  add({ section: s, metric: `${inFlight} in flight: median latency, ms`, values: column(res, 'parMs'), digits: 2, lower: true });
  add({ section: s, metric: `${inFlight} in flight: throughput, calls/s`, values: column(res, 'parTput'), digits: 0 });
  add({ section: s, metric: `${inFlight} in flight: client CPU per call, µs`, values: column(res, 'parCpu'), digits: 0, lower: true });
  const lat = column(res, 'seqMs');
  const par = column(res, 'parMs');
  const vsFloor = median(lat.ours) / median(lat.floor);
  const vsFloorPar = median(par.ours) / median(par.floor);
  const sdkVsFloor = median(lat.sdk) / median(lat.floor);
  // The warm blocks: each contender's medians over rounds of the blocks' means.
  const warm = (who, variant, mode, key) => median(res[who].map((r) => r.warm[variant][mode][key]));
  const warmRow = (label, who, variant) => `| ${label} | ${fmt(warm(who, variant, 'seq', 'medianMs'), 3)} | `
    + `${fmt(warm(who, variant, 'seq', 'cpuUsPerCall'), 0)} | ${fmt(warm(who, variant, 'par', 'medianMs'), 2)} | `
    + `${fmt(warm(who, variant, 'par', 'cpuUsPerCall'), 0)} |`;
  const warmRatio = (label, [who, variant], [baseWho, baseVariant]) => `| ${label} | `
    + ['seq', 'par'].flatMap((mode) => ['medianMs', 'cpuUsPerCall'].map((key) =>
      `${fmt(warm(who, variant, mode, key) / warm(baseWho, baseVariant, mode, key), 2)}×`)).join(' | ') + ' |';
  const bareFloor = ['floor', 'bare'];
  const unbounded = ['ours', 'bare'];
  details.push([
    '### 1. Per call: what a deadline costs', '',
    'After its passes above (so that every variant is as warm), each floor run times four alternating blocks of '
      + `${fmt(Math.ceil(n / 4), 0)} calls, sequential and ${inFlight} in flight, of the bare floor and of the floor with what every `
      + 'client that has request timeouts and abort pays: an `AbortSignal` given to `fetch` and a timer per request, and of the floor '
      + 'with the signal alone (no timer), which separates the two. Node\'s fetch '
      + '(undici) does work for a signal on every request, whether or not it ever fires. Each looker-render run does the same with '
      + 'its default client (a 120 s deadline per request) and with `timeoutMs: Infinity`, where no deadline can fire, so `fetch` '
      + 'gets no signal (only the caller\'s, when there is one). Medians over rounds of the blocks\' means.', '',
    `| warm blocks | sequential: median latency, ms | client CPU per call, µs | ${inFlight} in flight: median latency, ms | client CPU per call, µs |`,
    '|---|--:|--:|--:|--:|',
    warmRow('floor, bare', 'floor', 'bare'),
    warmRow('floor with an `AbortSignal` per request, no timer', 'floor', 'signal'),
    warmRow('floor with a deadline per request (signal and timer)', 'floor', 'deadline'),
    warmRow('looker-render, `timeoutMs: Infinity`', 'ours', 'bare'),
    warmRow('looker-render, default', 'ours', 'deadline'),
    warmRatio('floor with a signal, no timer ÷ bare', ['floor', 'signal'], bareFloor),
    warmRatio('floor with a deadline ÷ bare', ['floor', 'deadline'], bareFloor),
    warmRatio('looker-render, default ÷ floor with a deadline', ['ours', 'deadline'], ['floor', 'deadline']),
    warmRatio('looker-render, `timeoutMs: Infinity` ÷ floor, bare', unbounded, bareFloor),
  ].join('\n'));
  // A variant's median latency ÷ the bare floor's, in the warm blocks.
  const vsBare = ([who, variant], mode) => warm(who, variant, mode, 'medianMs') / warm(...bareFloor, mode, 'medianMs');
  targets.push({
    target: `per-call latency ÷ the floor ≤ 1.10×, sequential and ${inFlight} in flight`,
    met: vsFloor <= 1.1 && vsFloorPar <= 1.1,
    measured: `median latency ${fmt(vsFloor, 3)}× the floor sequentially, ${fmt(vsFloorPar, 3)}× with ${inFlight} in flight; `
      + `@looker/sdk ${fmt(sdkVsFloor, 2)}× and ${fmt(median(par.sdk) / median(par.floor), 2)}×; `
      + `with no deadline per request (\`timeoutMs: Infinity\`), in the warm blocks, ${fmt(vsBare(unbounded, 'seq'), 3)}× and ${fmt(vsBare(unbounded, 'par'), 3)}× the bare floor; `
      + `the floor itself with a deadline per request, ${fmt(vsBare(['floor', 'deadline'], 'seq'), 3)}× and ${fmt(vsBare(['floor', 'deadline'], 'par'), 3)}× the bare floor`,
  });
  return res;
}

// A typical RenderTask: the successful fixture, as the sandbox serves it.
const TYPICAL_TASK = readFileSync(join(root, 'tests/fixtures/render_tasks/success.json'), 'utf8');

async function decode() {
  const { rounds, n, warmup } = C.decode;
  const json = JSON.stringify(JSON.parse(TYPICAL_TASK));
  const res = await roundRobin('decode', rounds, { url: 'http://127.0.0.1:9', token: 't', taskId: FIXTURE_TASK, n, warmup, json },
    (r) => r);
  const s = `2. decoding (${fmt(n, 0)} × a ${json.length}-byte RenderTask)`;
  add({
    section: s, metric: 'renderTask through an injected fetch that returns a pre-built Response, µs/call',
    values: column(res, 'usPerCall'), digits: 2, lower: true,
  });
  add({ section: s, metric: 'the same: client CPU per call (user + system, all threads), µs', values: column(res, 'cpuUsPerCall'), digits: 2, lower: true });
  add({ section: s, metric: 'JSON.parse of the same string alone, µs', values: { floor: column(res, 'parseOnlyUs').floor }, digits: 2, lower: true });
  const cpu = column(res, 'cpuUsPerCall');
  const q = median(cpu.ours) / median(cpu.floor);
  targets.push({
    target: 'decode CPU per renderTask (injected fetch) ÷ the floor ≤ 1.5×',
    met: q <= 1.5,
    goal: { text: '≤ 1.2×', met: q <= 1.2 },
    measured: `${fmt(median(cpu.ours), 1)} µs vs ${fmt(median(cpu.floor), 1)} µs of CPU = ${fmt(q, 2)}× `
      + `(wall time ${fmt(median(column(res, 'usPerCall').ours) / median(column(res, 'usPerCall').floor), 2)}×; @looker/sdk ${fmt(median(cpu.sdk) / median(cpu.floor), 2)}×)`,
  });
}

/** esbuild, minified, for browsers, ES module: the bundle a user's app would ship (`entry` in bench/consumer/). */
async function bundle(entry) {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [join(consumer, entry)], bundle: true, minify: true, format: 'esm', platform: 'browser',
    target: 'es2022', write: false, logLevel: 'silent', legalComments: 'none',
  });
  return Buffer.concat(result.outputFiles.map((f) => Buffer.from(f.contents)));
}
const gz = (b) => gzipSync(b, { level: 9 }).length;
const br = (b) => brotliCompressSync(b, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11 } }).length;
const sizes = (b) => ({ raw: b.length, gzip: gz(b), brotli: br(b) });

// ---------- the .wasm by twiggy (in the size section's detail) ----------

/**
 * The shipped wasm again, with its names: scripts/build.mjs's cargo build (the
 * same flags and target directory, so cargo finds it built), then wasm-bindgen
 * keeping the name section (`--keep-debug`, no `--remove-name-section`) and
 * wasm-opt -Oz with `-g`, so that names survive the optimization. The import
 * and export names stay long (build.mjs shortens them; twiggy counts them as
 * structure). Returns the module before and after wasm-opt.
 */
function namedWasm() {
  const dir = join(tmp, 'named');
  rmSync(dir, { recursive: true, force: true });
  const quiet = { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] };
  execFileSync('cargo', ['build', '--quiet', '--release', '--target', 'wasm32-unknown-unknown', '--lib', '-p', 'looker-render',
    '--target-dir', 'target/shipped', '-Zbuild-std=std,panic_abort'], { ...quiet, env: { ...process.env, RUSTC_BOOTSTRAP: '1',
    RUSTFLAGS: '-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none -Ctarget-feature=-reference-types' } });
  execFileSync('wasm-bindgen', [join(root, 'target/shipped/wasm32-unknown-unknown/release/looker_render.wasm'), '--target', 'web',
    '--out-dir', dir, '--out-name', 'looker_render', '--keep-debug', '--remove-producers-section', '--encode-into', 'always'], quiet);
  const before = join(dir, 'looker_render_bg.wasm');
  const after = join(dir, 'named.wasm');
  execFileSync(join(root, 'node_modules/.bin/wasm-opt'), ['-Oz', '--low-memory-unused', '--strip-target-features', '--enable-bulk-memory',
    '--enable-nontrapping-float-to-int', '--enable-reference-types', '--enable-mutable-globals', '--enable-sign-ext', '--enable-multivalue',
    '-g', before, '-o', after], quiet);
  return { before, after };
}

/** The bytes of a wasm module's code (10) and data (11) sections: what names do not change. */
function codeAndData(bytes) {
  let at = 8;
  let total = 0;
  const leb = () => {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = bytes[at++];
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
  };
  while (at < bytes.length) {
    const id = bytes[at++];
    const length = leb();
    if (id === 10 || id === 11) total += length;
    at += length;
  }
  return total;
}

/** `twiggy top` of a module, every item: { name (crate hashes dropped), bytes }. */
function twiggyTop(path) {
  const csv = execFileSync('twiggy', ['top', '-f', 'csv', '-n', '1000000', path], { encoding: 'utf8', maxBuffer: 64 * MB });
  return csv.trim().split('\n').slice(1).map((line) => {
    const cells = [''];
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
      const ch = line[i];
      if (ch === '"' && quoted && line[i + 1] === '"') { cells[cells.length - 1] += '"'; i++; }
      else if (ch === '"') quoted = !quoted;
      else if (ch === ',' && !quoted) cells.push('');
      else cells[cells.length - 1] += ch;
    }
    return { name: cells[0].replace(/\[[0-9a-f]{16}\]/g, ''), bytes: Number(cells[1]) };
  });
}

// The core's modules, as their docs describe them.
const CORE_MODULES = {
  input: "checking callers' options and arguments", suggest: 'what a misspelt key probably meant', call: 'each call as a state machine',
  schema: 'checking responses against the spec', response: 'reading answers and API errors', request: 'building requests',
  url: 'URLs, percent-encoding', error: 'errors and their messages', text: 'messages built from pieces', auth: 'sign-in, tokens',
  oauth: 'OAuth 2 with PKCE', throttle: 'shared backoff of a batch', poll: 'poll schedule, learned polling', retry: 'when to retry',
  filters: 'dashboard filters as objects', params: 'render kinds, formats, paper sizes', models: 'the models', value: 'reading JS values',
};
const GROUP = {
  layer: '`looker_render`: the wasm layer (src/)',
  exports: "exports: wasm-bindgen's shims of `Core` and `PendingCall` (after wasm-opt, with the bodies it inlined into them)",
  bindgen: '`wasm_bindgen`, `js_sys`: the JS bridge',
  talc: '`talc`: the allocator',
  std: 'Rust std: `core`, `alloc`, compiler builtins',
  data: 'data segments: strings (messages, option and property names) and tables',
  structure: 'wasm structure: imports, exports, types, table, section headers',
  other: 'other (unnamed functions)',
};

/** The group of a twiggy item, or null for the name section (the shipped module has none). */
function groupOf(name) {
  if (/subsection$|^custom section/.test(name)) return null;
  if (/^data segment/.test(name)) return GROUP.data;
  if (/^(import|export) |^(type|global|elem|table|memory)\[|headers$|^wasm magic bytes$/.test(name)) return GROUP.structure;
  if (/^__wb(g|indgen)_/.test(name)) return GROUP.bindgen;
  if (/^[a-z]+_[A-Za-z]\w*( multivalue shim)?$/.test(name)) return GROUP.exports;
  if (!name.includes('::')) return /^code\[/.test(name) ? GROUP.other : GROUP.std; // fmin, memcmp, __powidf2, …
  if (/^<*(wasm_bindgen|js_sys|web_sys)::| as (wasm_bindgen|js_sys)::/.test(name)) return GROUP.bindgen;
  const ours = name.match(/looker_render_core::(\w+)|looker_render::|talc::/);
  if (ours) return ours[1] ? `\`looker_render_core::${ours[1]}\`: ${CORE_MODULES[ours[1]] ?? 'the core'}` : ours[0] === 'talc::' ? GROUP.talc : GROUP.layer;
  return GROUP.std;
}

/** Bytes per group of a module's items, the name section left out. */
function groups(items) {
  const out = new Map();
  for (const item of items) {
    const group = groupOf(item.name);
    if (group) out.set(group, (out.get(group) ?? 0) + item.bytes);
  }
  return out;
}

// What /work/shared/SIZE_FLOOR.md measured (2026-11-30, stand-alone crates with
// the same tool chain), gzip bytes of wasm + glue: the floor of a Rust client.
const SIZE_FLOOR = {
  bare: 11_260, // A, build-std: one async export, fetch + Authorization + .json(), no checking
  full: 12_760, // E2 + talc, build-std, esbuild-minified glue, minified names: nine calls through one driver, a 20-property checker
};

/**
 * The twiggy breakdown of the shipped .wasm for the size section's detail:
 * groups (core module, wasm layer, allocator, std, wasm-bindgen, data) with
 * their share and an estimated gzip (share × the shipped .wasm's gzip), the
 * top functions, and what stands between the render job's size and 15 KiB.
 */
function wasmBreakdown(wasmGzip, sdkJobGzip, oursJobGzip) {
  const title = '#### The .wasm by twiggy';
  let named;
  try {
    execFileSync('twiggy', ['--version'], { stdio: 'ignore' });
    named = namedWasm();
  } catch (error) {
    log(`size: no twiggy breakdown: ${error.message.split('\n')[0]}`);
    return [title, '', `Not measured in this run: ${error.message.split('\n')[0]} (it needs cargo with rust-src, wasm-bindgen and twiggy: \`cargo install twiggy\`).`];
  }
  const shippedWasm = readFileSync(join(consumer, 'node_modules/looker-render/web/looker_render_bg.wasm'));
  const [namedCode, shippedCode] = [codeAndData(readFileSync(named.after)), codeAndData(shippedWasm)];
  const after = twiggyTop(named.after);
  const byGroup = groups(after);
  const before = groups(twiggyTop(named.before));
  const sum = (m) => [...m.values()].reduce((a, b) => a + b, 0);
  const [total, totalBefore] = [sum(byGroup), sum(before)];
  const kib = (bytes, of) => (bytes / of) * wasmGzip / 1024;
  const pct = (x) => `${fmt(100 * x, 1)} %`;
  const names = [...new Set([...byGroup.keys(), ...before.keys()])].sort((a, b) => (byGroup.get(b) ?? 0) - (byGroup.get(a) ?? 0));
  const functions = after.filter((item) => groupOf(item.name) && ![GROUP.data, GROUP.structure].includes(groupOf(item.name)))
    .sort((a, b) => b.bytes - a.bytes).slice(0, 15);
  // The features, from the attribution before wasm-opt (its inlining folds
  // the core's code into the export shims after it).
  const moduleOf = (group) => group.match(/^`looker_render_core::(\w+)`/)?.[1];
  const share = (mods) => [...before].reduce((a, [g, bytes]) => a + (mods.includes(moduleOf(g)) ? bytes : 0), 0);
  const feature = (label, mods) => ({ label: `${label} (${mods.map((m) => `\`${m}\``).join(', ')})`, mods, kib: kib(share(mods), totalBefore) });
  const features = [
    feature("checking callers' input, with suggestions for misspelt keys", ['input', 'suggest']),
    feature('error messages', ['error', 'text']),
    feature('OAuth and sign-in', ['oauth', 'auth']),
    feature('batches: shared backoff, learned polling, retries', ['throttle', 'poll', 'retry']),
    feature('dashboard filters as objects', ['filters']),
  ];
  const featureKib = features.reduce((a, f) => a + f.kib, 0);
  const groupKib = (...gs) => kib(gs.reduce((a, g) => a + (before.get(g) ?? 0), 0), totalBefore);
  const dataKib = groupKib(GROUP.data);
  const featureMods = features.flatMap((f) => f.mods);
  const restMods = [...before.keys()].map(moduleOf).filter((m) => m && !featureMods.includes(m));
  const rest = [
    [`the rest of the core (${restMods.map((m) => `\`${m}\``).join(', ')}: the call state machine, requests, URLs, responses and their check against the spec)`,
      kib(share(restMods), totalBefore)],
    ["the wasm layer, its exports and wasm-bindgen's JS bridge", groupKib(GROUP.layer, GROUP.exports, GROUP.bindgen)],
    ['std and the allocator', groupKib(GROUP.std, GROUP.talc, GROUP.other)],
    ['the data segments', dataKib],
    ["the module's structure", groupKib(GROUP.structure)],
    ['and the JS of the bundle (glue, client.js, batch.js, snippets)', (oursJobGzip - wasmGzip) / 1024],
  ];
  return [
    title, '',
    "A build of the shipped wasm with its names: scripts/build.mjs's cargo build (build-std, the same RUSTFLAGS, `target/shipped`), "
      + 'wasm-bindgen with `--keep-debug` and without `--remove-name-section`, `wasm-opt -Oz -g`. Its code and data sections: '
      + `${fmt(namedCode, 0)} bytes; the shipped .wasm's: ${fmt(shippedCode, 0)} bytes (${namedCode === shippedCode ? 'the same' : `${fmt(100 * Math.abs(namedCode - shippedCode) / shippedCode, 1)} % apart`}). `
      + '`twiggy top` over every item but the name section, grouped by where it comes from; ≈ gzip = share × the shipped .wasm\'s '
      + `${fmt(wasmGzip / 1024, 1)} KiB gzip (an estimate: strings compress better than code). "Before wasm-opt" is the same build out of `
      + "wasm-bindgen, before binaryen's inlining folds the core's code into the export shims: it attributes the bytes to their modules better.", '',
    '| group | bytes | share | ≈ gzip, KiB | before wasm-opt: bytes | share | ≈ gzip, KiB |', '|---|--:|--:|--:|--:|--:|--:|',
    ...names.map((g) => {
      const [a, b] = [byGroup.get(g) ?? 0, before.get(g) ?? 0];
      return `| ${g} | ${fmt(a, 0)} | ${pct(a / total)} | ${fmt(kib(a, total), 1)} | ${fmt(b, 0)} | ${pct(b / totalBefore)} | ${fmt(kib(b, totalBefore), 1)} |`;
    }),
    `| **all** | ${fmt(total, 0)} | 100 % | ${fmt(wasmGzip / 1024, 1)} | ${fmt(totalBefore, 0)} | 100 % | ${fmt(wasmGzip / 1024, 1)} |`, '',
    'The 15 largest functions (after wasm-opt):', '',
    '| function | bytes | share | group |', '|---|--:|--:|---|',
    ...functions.map((f) => `| \`${f.name.replace(/\|/g, '\\|')}\` | ${fmt(f.bytes, 0)} | ${pct(f.bytes / total)} | ${groupOf(f.name).split(': ')[0]} |`), '',
    `**What stands between this size and 15 KiB.** The render job ships ${fmt(oursJobGzip / 1024, 1)} KiB gzip, ${fmt(wasmGzip / 1024, 1)} KiB of it `
      + `the .wasm; @looker/sdk's bundle for the same job is ${fmt(sdkJobGzip / 1024, 1)} KiB. The tool chain is not what is left: with the same `
      + 'build (build-std, talc, one exported driver, minified glue and names), a measurement of minimal Rust clients (shared/SIZE_FLOOR.md, 2026-11-30) found one of nine calls '
      + `with a hand-written 20-property checker at ${fmt(SIZE_FLOOR.full / 1024, 1)} KiB gzip, wasm and glue together, and one export that `
      + `fetches and returns \`.json()\` unchecked at ${fmt(SIZE_FLOOR.bare / 1024, 1)} KiB. Much of what this .wasm carries beyond such a client is `
      + 'features (estimated from the attribution before wasm-opt): '
      + `${features.map((f) => `${f.label} ≈ ${fmt(f.kib, 1)} KiB`).join('; ')}: ≈ ${fmt(featureKib, 1)} KiB together, `
      + `besides the data segments (mostly message text, option and property names, ≈ ${fmt(dataKib, 1)} KiB). `
      + `Without those features the render job would still be about ${fmt(oursJobGzip / 1024 - featureKib, 1)} KiB: `
      + `${rest.map(([label, x]) => `${label} ≈ ${fmt(x, 1)}`).join(', ')} KiB. `
      + 'The attribution overstates what leaving features out would save, as what they share stays: measured on 2026-11-30 (commit b46fade, '
      + '.wasm 38,810 bytes gzip), a build with OAuth, the batch check, suggestions and filter objects stubbed out was 4,591 bytes of gzip '
      + 'smaller, and with the checks of unknown keys and of option types also gone 6,085 bytes (4.5 and 5.9 KiB). The rest of the gap is '
      + 'the core itself (the call state machine, requests, URLs, responses, errors) and the JS bridge.',
  ];
}

async function size() {
  const web = join(consumer, 'node_modules/looker-render/web');
  const files = [];
  const walk = (dir) => {
    for (const f of readdirSync(dir)) {
      const p = join(dir, f);
      if (statSync(p).isDirectory()) walk(p); else files.push(p);
    }
  };
  walk(web);
  const shipped = files.map((p) => ({ name: relative(join(web, '..'), p), ...sizes(readFileSync(p)) }));
  const total = (list) => list.reduce((a, f) => ({ raw: a.raw + f.raw, gzip: a.gzip + f.gzip, brotli: a.brotli + f.brotli }), { raw: 0, gzip: 0, brotli: 0 });
  const shippedTotal = total(shipped);
  const wasm = shipped.find((f) => f.name.endsWith('.wasm'));
  const progs = {};
  for (const [key, entry] of [['oursOne', 'ours-one-task.js'], ['oursJob', 'ours-render-job.js'], ['oursInline', 'ours-render-job-inline.js'],
    ['sdkOne', 'sdk-one-task.js'], ['sdkOneFuncs', 'sdk-one-task-funcs.js'], ['sdkJob', 'sdk-render-job.js']]) {
    progs[key] = sizes(await bundle(`size/${entry}`));
  }
  // Ours as an app ships it: the minified bundle plus the .wasm beside it.
  const plusWasm = (s) => ({ raw: s.raw + wasm.raw, gzip: s.gzip + wasm.gzip, brotli: s.brotli + wasm.brotli });
  const oursJob = plusWasm(progs.oursJob);
  const oursOne = plusWasm(progs.oursOne);
  const sdkOne = progs.sdkOne.gzip <= progs.sdkOneFuncs.gzip ? progs.sdkOne : progs.sdkOneFuncs;
  const kb = (x) => x / 1024;
  const s = '3. shipped size, KiB gzip -9';
  add({ section: s, metric: 'one render task: ours = .wasm + esbuild bundle (min.); sdk = esbuild bundle (min.)', values: { ours: [kb(oursOne.gzip)], sdk: [kb(sdkOne.gzip)] }, digits: 1, lower: true });
  add({ section: s, metric: 'the whole render job (create, poll, results), same', values: { ours: [kb(oursJob.gzip)], sdk: [kb(progs.sdkJob.gzip)] }, digits: 1, lower: true });
  add({ section: s, metric: 'the render job through looker-render/inline (the .wasm inside the JS): esbuild bundle (min.)', values: { ours: [kb(progs.oursInline.gzip)], sdk: [kb(progs.sdkJob.gzip)] }, digits: 1, lower: true });
  add({ section: s, metric: 'ours as published: every file of web/ (.wasm, glue, index.js, snippets), unminified', values: { ours: [kb(shippedTotal.gzip)], sdk: [kb(progs.sdkJob.gzip)] }, digits: 1, lower: true });
  const line = (name, x) => `| ${name} | ${fmt(kb(x.raw), 1)} | ${fmt(kb(x.gzip), 1)} | ${fmt(kb(x.brotli), 1)} |`;
  details.push([
    '### 3. Shipped size in detail (KiB)', '',
    '| artefact | raw | gzip -9 | brotli 11 |', '|---|--:|--:|--:|',
    ...shipped.map((f) => line(`looker-render ${f.name}`, f)),
    line('**looker-render web/, all files**', shippedTotal),
    line('looker-render: esbuild bundle of a one-task program (JS only)', progs.oursOne),
    line('looker-render: esbuild bundle of the render-job program (JS only)', progs.oursJob),
    line('**looker-render: render-job bundle + .wasm**', oursJob),
    line('**looker-render/inline: render-job bundle (the .wasm inside)**', progs.oursInline),
    line('@looker/sdk: one render task, Looker40SDK class', progs.sdkOne),
    line('@looker/sdk: one render task, functional API (funcs)', progs.sdkOneFuncs),
    line('**@looker/sdk: the whole render job**', progs.sdkJob),
    '',
    'Bundles: esbuild, `bundle, minify, format: esm, platform: browser, target: es2022`; programs in `bench/consumer/size/`. '
      + 'The .wasm is not minified further (it is already `wasm-opt -Oz`).',
    '',
    ...wasmBreakdown(wasm.gzip, progs.sdkJob.gzip, oursJob.gzip),
  ].join('\n'));
  const r = oursJob.gzip / progs.sdkJob.gzip;
  targets.push({
    target: 'render-job browser bundle, gzip (esbuild-minified JS + every .wasm it loads) ≤ 30 KiB',
    met: kb(oursJob.gzip) <= 30,
    goal: { text: "≤ @looker/sdk's bundle for the same job", met: r <= 1 },
    measured: `${fmt(kb(oursJob.gzip), 1)} KiB (.wasm ${fmt(kb(wasm.gzip), 1)} KiB, JS ${fmt(kb(progs.oursJob.gzip), 1)} KiB); `
      + `@looker/sdk's ${fmt(kb(progs.sdkJob.gzip), 1)} KiB, ours ÷ that ${fmt(r, 2)}×; one task: ${fmt(kb(oursOne.gzip), 1)} vs ${fmt(kb(sdkOne.gzip), 1)} KiB = ${fmt(oursOne.gzip / sdkOne.gzip, 2)}×`,
  });
  targets.push({
    target: 'looker-render/inline entry, gzip ≤ 40 KiB',
    met: kb(progs.oursInline.gzip) <= 40,
    measured: `${fmt(kb(progs.oursInline.gzip), 1)} KiB for the render job's esbuild bundle (min.) through it, the .wasm inside as a string of one character per byte `
      + `(web/inline.js as published, unminified, without the glue it imports: ${fmt(kb(shipped.find((f) => f.name === 'web/inline.js').gzip), 1)} KiB)`,
  });
}

async function cold(sb) {
  const { rounds } = C.cold;
  const params = { url: sb.url, token: sb.token, taskId: FIXTURE_TASK };
  const res = { floor: [], ours: [], sdk: [], sdkDeep: [] };
  for (let r = 0; r < rounds; r++) {
    for (const c of ['floor', 'ours', 'sdk']) res[c].push(await runContender(c, { section: 'cold', ...params }));
    res.sdkDeep.push(await runContender('sdk', { section: 'cold', entry: 'deep', ...params }));
  }
  log(`cold: ${rounds} rounds done`);
  const s = `4. cold start in Node (${rounds} fresh processes each)`;
  const col = (key) => ({ floor: res.floor.map((x) => x[key]), ours: res.ours.map((x) => x[key]), sdk: res.sdk.map((x) => x[key]) });
  add({ section: s, metric: 'process start → first renderTask resolved, ms', values: col('firstMs'), digits: 1, lower: true });
  add({ section: s, metric: 'process start → library loaded, ms', values: { ours: col('loadedMs').ours, sdk: col('loadedMs').sdk }, digits: 1, lower: true });
  const deepFirst = res.sdkDeep.map((x) => x.firstMs);
  const oursFirst = col('firstMs').ours;
  const sdkFirst = col('firstMs').sdk;
  details.push([
    '### 4. Cold start: @looker/sdk through deep requires', '',
    `Requiring only \`@looker/sdk/lib/4.0/methods\` and \`@looker/sdk-rtl\` instead of the package root: first renderTask at `
      + `${cell(deepFirst, 1)} ms (library loaded at ${cell(res.sdkDeep.map((x) => x.loadedMs), 1)} ms); looker-render ÷ that: ${fmt(median(oursFirst) / median(deepFirst), 2)}×.`,
  ].join('\n'));
  targets.push({
    target: 'cold start in Node (process start → first task resolved) ÷ @looker/sdk ≤ 1',
    met: median(oursFirst) <= median(sdkFirst),
    measured: `${fmt(median(oursFirst), 1)} ms vs ${fmt(median(sdkFirst), 1)} ms = ${fmt(median(oursFirst) / median(sdkFirst), 2)}× `
      + `(vs deep requires ${fmt(median(oursFirst) / median(deepFirst), 2)}×; floor ${fmt(median(col('firstMs').floor), 1)} ms)`,
  });
}

// ---------- cold start in Chromium ----------

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const CONTENT_TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.wasm': 'application/wasm' };

/**
 * Serves each contender's files on 127.0.0.1, an origin other than the
 * sandbox's: `/<round>/<contender>/<file>`, the round there only to make every
 * round's URLs new. Nothing may be cached (`no-store`); `served` lists every
 * request, so that a round can check that the page fetched all its files.
 */
async function startStatic(sites) {
  const { createServer } = await import('node:http');
  const served = [];
  const server = createServer((req, res) => {
    const [, round, contender, file] = new URL(req.url, 'http://127.0.0.1').pathname.split('/');
    const body = Object.hasOwn(sites, contender) && Object.hasOwn(sites[contender], file) ? sites[contender][file] : null;
    served.push({ round, contender, file, status: body ? 200 : 404 });
    if (!body) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': CONTENT_TYPES[extname(file)], 'content-length': body.length, 'cache-control': 'no-store' });
    return res.end(body);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const close = () => { server.closeAllConnections(); return new Promise((resolve) => server.close(resolve)); };
  return { url: `http://127.0.0.1:${server.address().port}`, served, close };
}

/**
 * One page load in a fresh browser context: the page's BENCH-RESULT (its clock:
 * ms since the navigation started), after checking that it fetched every one of
 * its files from the server this round.
 */
async function pageLoad(browserInstance, server, site, round, contender, query) {
  const context = await browserInstance.newContext();
  try {
    const page = await context.newPage();
    const failed = new Promise((resolve, reject) => page.once('pageerror', reject));
    const result = page.waitForEvent('console', { predicate: (m) => m.text().startsWith('BENCH-RESULT '), timeout: 30_000 });
    await page.goto(`${server.url}/${round}/${contender}/index.html?${query}`, { waitUntil: 'commit' });
    const r = JSON.parse((await Promise.race([result, failed])).text().slice('BENCH-RESULT '.length));
    if (r.error) throw new Error(r.error);
    const served = server.served.filter((s) => s.round === round && s.contender === contender);
    const missing = Object.keys(site).filter((file) => !served.some((s) => s.file === file && s.status === 200));
    if (missing.length || served.some((s) => s.status !== 200)) {
      throw new Error(`files not fetched: ${missing.join(', ') || 'none'}; not found: ${served.filter((s) => s.status !== 200).map((s) => s.file).join(', ') || 'none'}`);
    }
    return r;
  } catch (error) {
    throw new Error(`browser ${contender} (${round}): ${error.message}`);
  } finally {
    await context.close();
  }
}

async function browser(sb) {
  const { rounds } = C.browser;
  const html = Buffer.from('<!doctype html>\n<meta charset="utf-8">\n<title>bench</title>\n<script type="module" src="page.js"></script>\n');
  const sites = {};
  for (const c of ['floor', 'ours', 'sdk']) sites[c] = { 'index.html': html, 'page.js': await bundle(`browser/${c}.js`) };
  // Besides the table's three: looker-render through its one-file entry.
  sites.oursInline = { 'index.html': html, 'page.js': await bundle('browser/ours-inline.js') };
  sites.ours['looker_render_bg.wasm'] = readFileSync(join(consumer, 'node_modules/looker-render/web/looker_render_bg.wasm'));
  const server = await startStatic(sites);
  const { chromium } = await import('playwright-core');
  // As tests/browser/helpers.mjs launches Debian's Chromium.
  const instance = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const version = instance.version();
  const query = new URLSearchParams({ baseUrl: sb.url, token: sb.token, task: FIXTURE_TASK });
  const res = { floor: [], ours: [], sdk: [] };
  const inline = [];
  try {
    // The browser's first page starts its network service and more: paid once, by no contender.
    await pageLoad(instance, server, sites.floor, 'warmup', 'floor', query);
    for (let r = 0; r < rounds; r++) {
      for (const c of ['floor', 'ours', 'sdk']) res[c].push(await pageLoad(instance, server, sites[c], `r${r}`, c, query));
      inline.push(await pageLoad(instance, server, sites.oursInline, `r${r}`, 'oursInline', query));
    }
    log(`browser: ${rounds} rounds done`);
  } finally {
    await instance.close();
    await server.close();
  }
  const s = `4b. cold start in Chromium (${rounds} fresh browser contexts each)`;
  const col = (key) => Object.fromEntries(Object.entries(res).map(([c, rs]) => [c, rs.map((x) => x[key])]));
  add({ section: s, metric: 'page load → first renderTask resolved, ms', values: col('firstMs'), digits: 1, lower: true });
  add({ section: s, metric: 'page load → library ready (floor: its script running), ms', values: col('readyMs'), digits: 1, lower: true });
  const first = col('firstMs');
  const q = median(first.ours) / median(first.sdk);
  targets.push({
    target: "cold start in Chromium (page load → first task resolved) ÷ @looker/sdk's bundle ≤ 1",
    met: q <= 1,
    measured: `${fmt(median(first.ours), 1)} ms vs ${fmt(median(first.sdk), 1)} ms = ${fmt(q, 2)}× (floor ${fmt(median(first.floor), 1)} ms, ours ÷ floor ${fmt(median(first.ours) / median(first.floor), 2)}×)`,
  });
  const kib = (b) => fmt(b / 1024, 1);
  const inlineFirst = inline.map((x) => x.firstMs);
  details.push([
    '### 4b. Cold start in Chromium in detail', '',
    `Through \`looker-render/inline\` (a fourth page in each round, after the table's three: the .wasm inside the bundle, no second request), `
      + `page load → first renderTask resolved: ${cell(inlineFirst, 1)} ms, ${fmt(median(inlineFirst) / median(first.sdk), 2)}× @looker/sdk's `
      + `and ${fmt(median(inlineFirst) / median(first.ours), 2)}× the web entry's; library ready: ${cell(inline.map((x) => x.readyMs), 1)} ms.`, '',
    `${version} (Debian's \`chromium\`, headless, through playwright-core), one browser for the section; each page load in a new browser context `
      + '(its own empty HTTP cache and connections), at URLs new to the browser each round, the files sent with `Cache-Control: no-store` '
      + 'from a static server on 127.0.0.1 (another port than the sandbox, so every API call is cross-origin with a CORS preflight, as from a web app), '
      + 'uncompressed: over loopback the bytes cost parsing and compiling, not transfer (section 3 has the gzip sizes). A first, discarded page '
      + 'warms the browser. The page script is an esbuild bundle (minified, as in section 3) of `bench/consumer/browser/<contender>.js`: '
      + "it takes the size section's one-task program, makes a client and calls renderTask on the fixture task, and reports `performance.now()` "
      + '(from the navigation start) when its module began to run (the library ready: for looker-render, after the web entry fetched and compiled '
      + 'the .wasm with `compileStreaming`) and when the task resolved.', '',
    '| contender | files served | raw, KiB | gzip -9, KiB |', '|---|---|--:|--:|',
    ...Object.entries(sites).map(([c, files]) => {
      const all = Buffer.concat(Object.values(files));
      const each = Object.values(files).reduce((a, b) => a + gz(b), 0);
      return `| ${LABEL[c] ?? 'looker-render/inline'} | ${Object.keys(files).join(', ')} | ${kib(all.length)} | ${kib(each)} |`;
    }),
  ].join('\n'));
}

let floorLatencyMs = 1;

async function poll(sb) {
  const { renders, inFlight, durations } = C.poll;
  const out = {};
  for (const c of ['ours', 'sdk']) {
    await sb.control('POST', '/reset');
    // No renderer pool or query limit here: this section measures polling against known durations,
    // and waiting for a slot would stretch them.
    await sb.control('POST', '/config', { randomDurationsMs: durations, renderSlots: null, maxQueriesPerUser: null });
    const r = await runContender(c, { section: 'poll', url: sb.url, token: sb.token, look: '1', renders, inFlight });
    const requests = (await sb.control('GET', '/requests')).filter((q) => q.path.startsWith('/api/4.0/'));
    const ids = new Set(r.renders.map((x) => x.id));
    const perTask = requests.filter((q) => ids.has(q.path.split('/')[4]));
    const polls = perTask.filter((q) => q.path.split('/').length === 5).length;
    const creates = requests.filter((q) => q.method === 'POST').length;
    out[c] = {
      delays: r.renders.map((x) => x.delayMs),
      detects: r.renders.map((x) => x.detectMs),
      runtimes: r.renders.map((x) => x.runtimeMs),
      requests: requests.length / renders,
      polls: polls / renders,
      results: (perTask.length - polls) / renders,
      creates: creates / renders,
    };
    log(`poll: ${c}: ${renders} renders done`);
  }
  await sb.control('POST', '/reset');
  const s = `5. polling (${renders} renders of ${durations[0] / 1000}–${durations[1] / 1000} s, ${inFlight} at once)`;
  const v = (f) => ({ ours: [f(out.ours)], sdk: [f(out.sdk)] });
  add({ section: s, metric: 'task finished → poll that saw it: mean, ms', values: v((o) => mean(o.detects)), digits: 0, lower: true });
  add({ section: s, metric: 'task finished → poll that saw it: p95, ms', values: v((o) => percentile(o.detects, 0.95)), digits: 0, lower: true });
  add({ section: s, metric: 'task finished → render resolved: mean, ms', values: v((o) => mean(o.delays)), digits: 0, lower: true, vsSdkOnly: true });
  add({ section: s, metric: 'task finished → render resolved: p95, ms', values: v((o) => percentile(o.delays, 0.95)), digits: 0, lower: true, vsSdkOnly: true });
  add({ section: s, metric: 'requests per render (create + polls + results)', values: v((o) => o.requests), digits: 2, lower: true, vsSdkOnly: true });
  const reqRatio = out.ours.requests / out.sdk.requests;
  targets.push({
    target: 'polling, single renders: ≤ 0.5× the requests of the 500 ms loop at ≤ 500 ms mean detection delay',
    met: reqRatio <= 0.5 && mean(out.ours.detects) <= 500,
    measured: `${fmt(out.ours.requests, 2)} vs ${fmt(out.sdk.requests, 2)} requests per render = ${fmt(reqRatio, 2)}×; `
      + `mean detection delay ${fmt(mean(out.ours.detects), 0)} ms (the loop's ${fmt(mean(out.sdk.detects), 0)} ms); `
      + `to the bytes in hand ${fmt(mean(out.ours.delays), 0)} ms (the loop's ${fmt(mean(out.sdk.delays), 0)} ms)`,
  });

  // The simulation, against the same distribution; the first two rows are checked against the measurement above.
  const sims = SCHEDULES.map((sch) => ({ sch, r: simulate(sch, { minMs: durations[0], maxMs: durations[1], rttMs: floorLatencyMs }) }));
  const loop = sims.find(({ sch }) => sch.name.startsWith("Looker's examples")).r;
  details.push([
    '### 5. Polling in detail', '',
    '| measured | detection: mean, ms | p50 | p95 | resolved: mean, ms | p50 | p95 | max | requests/render | polls/render | results requests/render | mean render duration, s |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
    ...['ours', 'sdk'].map((c) => {
      const o = out[c];
      return `| ${c === 'ours' ? 'looker-render `render()`' : "@looker/sdk, Looker's 500 ms loop"} | ${fmt(mean(o.detects), 0)} | ${fmt(median(o.detects), 0)} | ${fmt(percentile(o.detects, 0.95), 0)} | `
        + `${fmt(mean(o.delays), 0)} | ${fmt(median(o.delays), 0)} | `
        + `${fmt(percentile(o.delays, 0.95), 0)} | ${fmt(Math.max(...o.delays), 0)} | ${fmt(o.requests, 2)} | ${fmt(o.polls, 2)} | ${fmt(o.results, 2)} | ${fmt(mean(o.runtimes) / 1000, 2)} |`;
    }),
    '',
    `**Simulated** (bench/simulate.mjs: no network; 100,000 renders of uniform ${durations[0]}–${durations[1]} ms; `
      + `${fmt(floorLatencyMs, 2)} ms per request, the floor's sequential latency of section 1; result download = one request):`, '',
    '| schedule (simulated) | mean delay, ms | p95, ms | requests/render | ÷ the 500 ms loop | meets the polling target |',
    '|---|--:|--:|--:|--:|---|',
    ...sims.map(({ sch, r }) => `| ${sch.name} | ${fmt(r.meanMs, 0)} | ${fmt(r.p95Ms, 0)} | ${fmt(r.requests, 2)} | ${fmt(r.requests / loop.requests, 2)}× | `
      + `${r.requests <= loop.requests / 2 && r.meanMs <= 500 ? 'yes' : 'no'} |`),
  ].join('\n'));
}

async function memory(sb) {
  const { rounds, n, holdMs } = C.memory;
  // Renders that outlast the run, however slowly the machine creates them.
  const long = { stageMs: { enqueued_for_query: 1000, querying: 2000, enqueued_for_render: 1000, rendering: 120_000 } };
  await sb.control('POST', '/reset');
  await sb.control('POST', '/config', long);
  const params = { url: sb.url, token: sb.token, look: '1', n, holdMs };
  const res = await roundRobin('memory', rounds, params, (r) => r, ['floor', 'ours', 'sdk'], ['--expose-gc'],
    async () => { await sb.control('POST', '/reset'); await sb.control('POST', '/config', long); });
  await sb.control('POST', '/reset');
  for (const [c, rs] of Object.entries(res)) {
    const early = rs.reduce((a, r) => a + r.finishedEarly, 0);
    if (early) log(`memory: ${c}: ${early} waits finished before the measurement ended (the look is too quick)`);
  }
  const above = (c) => res[c].map((r) => (r.peak - r.idle) / MB);
  const s = `6. memory (${fmt(n, 0)} waits pending for ${holdMs / 1000} s)`;
  add({ section: s, metric: 'peak RSS − idle RSS, MiB (floor and sdk: a 500 ms poll loop each)', values: { floor: above('floor'), ours: above('ours'), sdk: above('sdk') }, digits: 1, lower: true });
  add({ section: s, metric: 'RSS − idle RSS at the end, still pending, after GC, MiB', values: { floor: res.floor.map((r) => (r.settled - r.idle) / MB), ours: res.ours.map((r) => (r.settled - r.idle) / MB), sdk: res.sdk.map((r) => (r.settled - r.idle) / MB) }, digits: 1, lower: true });
  add({ section: s, metric: 'idle RSS (library loaded, tasks created, after GC), MiB', values: { floor: res.floor.map((r) => r.idle / MB), ours: res.ours.map((r) => r.idle / MB), sdk: res.sdk.map((r) => r.idle / MB) }, digits: 1, lower: true });
  const m = median(above('ours'));
  const q = m / median(above('floor'));
  targets.push({
    target: `peak RSS of ${fmt(n, 0)} pending waits (above the idle process) ÷ the bare-fetch loop's ≤ 1.00×`,
    met: q <= 1,
    measured: `${fmt(m, 1)} MiB vs ${fmt(median(above('floor')), 1)} MiB = ${fmt(q, 2)}× (@looker/sdk's loop ${fmt(median(above('sdk')), 1)} MiB); `
      + `after GC with the waits still pending ${fmt(median(res.ours.map((r) => (r.settled - r.idle) / MB)), 1)} MiB`,
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One batch against a fresh sandbox (reset, then `config`): the contender's
 * report, and what the sandbox saw: its counters, and from its request log
 * and task records the polls per render and when each finish was seen.
 * `during(started)` runs beside the contender (the outage).
 */
async function batchRun(sb, contender, params, config, during) {
  const { renders } = C.batch;
  await sb.control('POST', '/reset');
  await sb.control('POST', '/config', config);
  const running = runContender(contender, { section: 'batch', url: sb.url, token: sb.token, dashboard: '42', renders, ...params });
  const fault = during ? await during() : null;
  const r = await running;
  const [requestLog, tasks, counters] = await Promise.all(['/requests', '/tasks', '/counters'].map((path) => sb.control('GET', path)));
  const api = requestLog.filter((q) => q.path.startsWith('/api/4.0/'));
  // The poll that saw a task finished is its last one (both contenders stop there);
  // from the sandbox's clock, which also recorded the finish.
  const polls = new Map();
  for (const q of api) {
    const parts = q.path.split('/'); // '', 'api', '4.0', 'render_tasks', id
    if (q.method === 'GET' && parts.length === 5 && parts[3] === 'render_tasks') {
      if (!polls.has(parts[4])) polls.set(parts[4], []);
      polls.get(parts[4]).push(q);
    }
  }
  const finished = tasks.filter((t) => t.status === 'success' && polls.get(t.id)?.some((q) => q.status === 200));
  const seen = finished.map((t) => polls.get(t.id).filter((q) => q.status === 200));
  const detects = seen.map((qs, i) => qs.at(-1).time - finished[i].timeline.finishedAt);
  // The spacing of the polls a finish fell between: the detection delay is about half of it.
  const lastGaps = seen.filter((qs) => qs.length > 1).map((qs) => qs.at(-1).time - qs.at(-2).time);
  // When each task was first polled, and how many were already done then: a
  // learned render time is the middle of the last two polls, so such a render
  // teaches half its time (see bench/README.md).
  const polled = tasks.filter((t) => polls.has(t.id));
  const firstPolls = polled.map((t) => (polls.get(t.id)[0].time - t.createdAt) / 1000);
  const polledEarly = polled.filter((t) => polls.get(t.id)[0].time - t.createdAt < (t.timeline.finishedAt - t.createdAt) / 2).length;
  const doneAtFirstPoll = finished.filter((t) => polls.get(t.id).length === 1).length;
  const peak = (perUser) => Math.max(0, ...Object.values(perUser ?? {}));
  const out = {
    ...r,
    requests: api.length,
    creates: counters.createsSeen,
    tasks: counters.tasksCreated,
    polls: [...polls.values()].reduce((n, qs) => n + qs.length, 0),
    results: api.filter((q) => q.path.endsWith('/results')).length,
    tooMany: counters.tooManyRequests,
    unavailable: counters.serviceUnavailable,
    peakInFlight: peak(counters.peakInFlight),
    peakRendering: counters.peakRendering,
    detects,
    lastGaps,
    firstPolls,
    polledEarly,
    doneAtFirstPoll,
    meanRenderS: mean(tasks.map((t) => t.timeline.finishedAt - t.createdAt)) / 1000,
  };
  if (fault) {
    // How the outage was met: the requests in it (offsets from its start, s), and the first after it.
    const from = fault.until - fault.seconds * 1000;
    out.outage = {
      during: api.filter((q) => q.time >= from && q.time < fault.until).map((q) => (q.time - from) / 1000),
      firstAfterMs: (api.find((q) => q.time >= fault.until)?.time ?? NaN) - fault.until,
    };
  }
  log(`batch: ${contender} ${params.label}: ${r.ok}/${renders} ok in ${fmt(r.wallMs / 1000, 1)} s, ${api.length} requests`
    + `${r.errors.length ? `; errors: ${r.errors.join(' | ')}` : ''}`);
  return out;
}

async function batch(sb) {
  const { renders, renderMs, spread, pendingLimit, outageAfterMs, outageSeconds, retryAfter } = C.batch;
  // The sandbox README's benchmark scenario: one dashboard, renders of renderMs ± spread, 2 renderer slots.
  const sound = {
    renderSlots: 2, durationSpread: spread,
    targetStageMs: { 'dashboards/42': { enqueued_for_query: 0, querying: 0, enqueued_for_render: 0, rendering: renderMs } },
  };
  const limited = { ...sound, maxPendingTasksPerUser: pendingLimit };
  // The outage starts outageAfterMs after the batch's first create.
  const outage = (extra) => async () => {
    while ((await sb.control('GET', '/counters')).createsSeen === 0) await sleep(20);
    await sleep(outageAfterMs);
    return sb.control('POST', '/faults', { fault: 'outage', seconds: outageSeconds, ...extra });
  };
  const run = {
    ours: await batchRun(sb, 'ours', { label: 'renderAll' }, sound),
    sdkAll: await batchRun(sb, 'sdk', { label: 'Promise.all', mode: 'all' }, sound),
    sdkPool: await batchRun(sb, 'sdk', { label: 'pool of 2', mode: 'pool', concurrency: 2 }, sound),
    oursLimited: await batchRun(sb, 'ours', { label: `renderAll, ${pendingLimit} pending at most` }, limited),
    sdkLimited: await batchRun(sb, 'sdk', { label: `Promise.all, ${pendingLimit} pending at most`, mode: 'all' }, limited),
    oursOutage: await batchRun(sb, 'ours', { label: `renderAll, outage with Retry-After ${retryAfter}` }, sound, outage({ retryAfter })),
    oursOutageBare: await batchRun(sb, 'ours', { label: 'renderAll, outage without Retry-After' }, sound, outage({})),
  };
  await sb.control('POST', '/reset');

  const what = `${renders} renders of dashboard 42 (PDF, ${renderMs / 1000} s ±${spread * 100} %), 2 renderer slots`;
  const one = (ours, sdk, f) => ({ ours: [f(ours)], ...(sdk ? { sdk: [f(sdk)] } : {}) });
  let s = `7. batch: ${what}; renderAll (2 at once) vs Promise.all of Looker's loop`;
  for (const [label, ours, sdk] of [['', run.ours, run.sdkAll], [`maxPendingTasksPerUser ${pendingLimit}: `, run.oursLimited, run.sdkLimited]]) {
    add({ section: s, metric: `${label}total time, s`, values: one(ours, sdk, (o) => o.wallMs / 1000), digits: 1, lower: true });
    add({ section: s, metric: `${label}requests sent`, values: one(ours, sdk, (o) => o.requests), digits: 0, lower: true });
    add({ section: s, metric: `${label}429s answered`, values: one(ours, sdk, (o) => o.tooMany), digits: 0, lower: true });
    add({ section: s, metric: `${label}peak renders in flight (created, not finished)`, values: one(ours, sdk, (o) => o.peakInFlight), digits: 0, lower: true });
    add({ section: s, metric: `${label}renders that succeeded (of ${renders})`, values: one(ours, sdk, (o) => o.ok), digits: 0 });
  }
  s = '7. batch: learned polling, 2 at once each (sdk: a pool of 2 running the 500 ms loop)';
  const pollsPer = (o) => o.polls / o.tasks;
  add({ section: s, metric: 'requests sent', values: one(run.ours, run.sdkPool, (o) => o.requests), digits: 0, lower: true });
  add({ section: s, metric: 'polls per render', values: one(run.ours, run.sdkPool, pollsPer), digits: 2, lower: true });
  add({ section: s, metric: 'task finished → poll that saw it: mean, ms', values: one(run.ours, run.sdkPool, (o) => mean(o.detects)), digits: 0, lower: true });
  add({ section: s, metric: 'task finished → poll that saw it: p95, ms', values: one(run.ours, run.sdkPool, (o) => percentile(o.detects, 0.95)), digits: 0, lower: true });
  add({ section: s, metric: 'total time, s', values: one(run.ours, run.sdkPool, (o) => o.wallMs / 1000), digits: 1, lower: true });
  const outages = [[`Retry-After ${retryAfter}`, run.oursOutage], ['no Retry-After', run.oursOutageBare]];
  for (const [label, o] of outages) {
    s = `7. batch: renderAll through a ${outageSeconds} s outage (503 to everything, ${outageAfterMs / 1000} s in), ${label}`;
    add({ section: s, metric: 'requests sent ÷ the same batch on a sound sandbox (above)', values: { ours: [o.requests / run.ours.requests] }, digits: 2, lower: true });
    add({ section: s, metric: '503s answered', values: { ours: [o.unavailable] }, digits: 0, lower: true });
    add({ section: s, metric: `renders that succeeded (of ${renders})`, values: { ours: [o.ok] }, digits: 0 });
    add({ section: s, metric: 'outage end → first request, ms', values: { ours: [o.outage.firstAfterMs] }, digits: 0, lower: true });
    add({ section: s, metric: 'total time ÷ the sound batch\'s', values: { ours: [o.wallMs / run.ours.wallMs] }, digits: 2, lower: true });
  }

  const pollRatio = pollsPer(run.ours) / pollsPer(run.sdkPool);
  const requestRatio = run.ours.requests / run.sdkPool.requests;
  targets.push({
    target: 'batch, learned polling: ≤ 0.5× the requests of the 500 ms loop at the same concurrency, at ≤ 300 ms mean detection delay',
    met: requestRatio <= 0.5 && mean(run.ours.detects) <= 300,
    measured: `${run.ours.requests} vs ${run.sdkPool.requests} requests = ${fmt(requestRatio, 2)}× `
      + `(polls alone: ${fmt(pollsPer(run.ours), 2)} vs ${fmt(pollsPer(run.sdkPool), 2)} per render = ${fmt(pollRatio, 2)}×); `
      + `mean detection delay ${fmt(mean(run.ours.detects), 0)} ms (the loop's ${fmt(mean(run.sdkPool.detects), 0)} ms)`,
  });
  targets.push({
    target: `batch through a ${outageSeconds} s outage: requests ÷ the same batch on a sound sandbox ≤ 1.1×, every render finished`,
    met: outages.every(([, o]) => o.requests / run.ours.requests <= 1.1 && o.ok === renders),
    measured: outages.map(([label, o]) => `${label}: ${fmt(o.requests / run.ours.requests, 2)}× (${o.requests} vs ${run.ours.requests} requests, `
      + `${o.unavailable} answered 503), ${o.ok}/${renders} succeeded`).join('; '),
  });

  const runs = [
    ['looker-render `renderAll` (2 at once)', 'sound', run.ours],
    ["@looker/sdk, Promise.all of Looker's loop", 'sound', run.sdkAll],
    ["@looker/sdk, a pool of 2 running Looker's loop", 'sound', run.sdkPool],
    ['looker-render `renderAll`', `maxPendingTasksPerUser ${pendingLimit}`, run.oursLimited],
    ["@looker/sdk, Promise.all of Looker's loop", `maxPendingTasksPerUser ${pendingLimit}`, run.sdkLimited],
    ['looker-render `renderAll`', `outage, Retry-After ${retryAfter}`, run.oursOutage],
    ['looker-render `renderAll`', 'outage, no Retry-After', run.oursOutageBare],
  ];
  details.push([
    '### 7. Batch in detail', '',
    `${what}; one run each, against a freshly reset sandbox. Counts from the sandbox's counters and request log; `
      + 'detection from its task records (`timeline.finishedAt`) and the time of the last poll of each task.', '',
    '| contender | sandbox | total, s | ok | requests | creates (200) | polls | results | 429 | 503 | peak in flight | peak rendering | mean render, s '
      + '| detection: mean, ms | p95 | last two polls apart: mean, ms | 1st poll after create, s: min, median, max | 1st poll before half the render | done at the 1st poll |',
    '|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
    ...runs.map(([who, sandbox, o]) => `| ${who} | ${sandbox} | ${fmt(o.wallMs / 1000, 1)} | ${o.ok} | ${o.requests} | ${o.creates} (${o.tasks}) | `
      + `${o.polls} | ${o.results} | ${o.tooMany} | ${o.unavailable} | ${o.peakInFlight} | ${o.peakRendering} | ${fmt(o.meanRenderS, 2)} | `
      + `${fmt(mean(o.detects), 0)} | ${fmt(percentile(o.detects, 0.95), 0)} | ${fmt(mean(o.lastGaps), 0)} | `
      + `${[Math.min(...o.firstPolls), median(o.firstPolls), Math.max(...o.firstPolls)].map((x) => fmt(x, 2)).join(', ')} | ${o.polledEarly} | ${o.doneAtFirstPoll} |`),
    ...outages.flatMap(([label, o]) => ['', `Outage, ${label}: ${o.outage.during.length} requests during it, at `
      + `${o.outage.during.map((t) => fmt(t, 1)).join(', ') || 'none'} s after it began; the first after it ${fmt(o.outage.firstAfterMs, 0)} ms after its end`
      + `${o.errors.length ? `; errors: ${o.errors.join(' | ')}` : ''}.`]),
  ].join('\n'));
}

// ---------- report ----------

function machine() {
  const cpus = os.cpus();
  const git = (args) => { try { return execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim(); } catch { return '?'; } };
  const version = (p) => { try { return JSON.parse(readFileSync(p, 'utf8')).version; } catch { return '?'; } };
  return [
    `- date: ${new Date().toISOString()}`,
    `- machine: ${os.type()} ${os.release()} (${os.arch()}), ${cpus[0]?.model ?? '?'}, ${cpus.length} cores, ${fmt(os.totalmem() / 1024 ** 3, 1)} GiB memory`,
    `- Node ${process.version}; looker-render ${version(join(consumer, 'node_modules/looker-render/package.json'))} `
      + `(commit ${git(['rev-parse', '--short', 'HEAD'])}${git(['status', '--porcelain', '--', 'src', 'js', 'Cargo.toml', 'Cargo.lock', 'scripts']) ? ', with uncommitted changes' : ''}); `
      + `@looker/sdk ${version(join(root, 'node_modules/@looker/sdk/package.json'))}, @looker/sdk-rtl ${version(join(root, 'node_modules/@looker/sdk-rtl/package.json'))}; `
      + `esbuild ${version(join(root, 'node_modules/esbuild/package.json'))}`,
    `- load average (1 min) at the start ${fmt(loadAtStart, 2)}, at the end ${fmt(os.loadavg()[0], 2)}: `
      + 'other processes on the machine compete with the contenders and the sandbox, and widen the ranges',
    `- the sandbox (sandbox/server.js) on 127.0.0.1 in its own process, on the same machine; ${quick ? '**--quick: tiny counts, a smoke run, not results**' : 'the full run'}; took ${fmt((Date.now() - t0) / 1000, 0)} s`,
  ].join('\n');
}

function table() {
  const lines = [
    '| section | metric | fetch + JSON.parse (floor) | looker-render | @looker/sdk | ours ÷ floor | ours ÷ sdk | sdk ÷ floor |',
    '|---|---|--:|--:|--:|--:|--:|--:|',
  ];
  let last = '';
  for (const r of rows) {
    const v = r.values;
    lines.push(`| ${r.section === last ? '' : r.section} | ${r.metric} | ${cell(v.floor, r.digits)} | ${cell(v.ours, r.digits)} | ${cell(v.sdk, r.digits)} | `
      + `${ratio(v.ours, v.floor)} | ${ratio(v.ours, v.sdk)} | ${ratio(v.sdk, v.floor)} |`);
    last = r.section;
  }
  return lines.join('\n');
}

function render() {
  const runs = quick ? 'one round' : `medians over rounds (per-call ${C.percall.rounds}, decoding ${C.decode.rounds}, cold start ${C.cold.rounds}, in Chromium ${C.browser.rounds}, memory ${C.memory.rounds}), min–max in brackets; polling and batch: one run each`;
  return [
    `# looker-render benchmarks${quick ? ' (--quick smoke)' : ''}`, '',
    machine(), '',
    `Each cell: ${runs}. Contenders alternate run by run, each in a fresh Node process (in Chromium: a fresh browser context). `
      + 'Ratios are of medians; for throughput a ratio above 1 is better, for everything else below 1. '
      + 'Produced by `npm run bench` (bench/run.mjs); bench/README.md says what each row measures.', '',
    table(), '',
    '## Targets', '',
    ...targets.map((t) => `- ${t.met ? '**met**' : '**missed**'}: ${t.target}${t.goal ? `; the goal beyond, ${t.goal.text}: ${t.goal.met ? '**met**' : '**missed**'}` : ''}: ${t.measured}.`), '',
    ...details.flatMap((d) => [d, '']),
  ].join('\n');
}

// ---------- main ----------

build();
install();
const sb = await startSandbox();
log(`sandbox at ${sb.url}`);
try {
  if (only.includes('percall')) {
    const res = await percall(sb);
    floorLatencyMs = median(res.floor.map((r) => r.seqMs));
  }
  if (only.includes('decode')) await decode();
  if (only.includes('size')) await size();
  if (only.includes('cold')) await cold(sb);
  if (only.includes('browser')) await browser(sb);
  if (only.includes('poll')) await poll(sb);
  if (only.includes('memory')) await memory(sb);
  if (only.includes('batch')) await batch(sb);
} finally {
  await sb.stop();
}
const md = render();
process.stdout.write(`${md}\n`);
const out = quick || partial ? join(tmp, quick ? 'results-quick.md' : 'results-partial.md') : join(bench, 'results.md');
writeFileSync(out, md);
log(`wrote ${relative(root, out)} in ${fmt((Date.now() - t0) / 1000, 0)} s`);
