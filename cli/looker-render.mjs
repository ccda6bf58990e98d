#!/usr/bin/env node
// looker-render: render a Looker look, query, dashboard or tile to a file,
// or print a render task as JSON. Runs on the package itself (../node/), on
// Node >= 18. `looker-render --help` explains it all; exit codes:
//   0 done, 1 render failed, 2 usage or configuration, 3 API or auth, 4 timeout, 130 interrupted.
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import {
  UsageError, DEFAULT_INI, DEFAULT_SECTION, DEFAULT_TIMEOUT_SECONDS,
  loadIni, resolveConfig, secretsOf, redact, hint,
} from './config.mjs';
import { progressReporter } from './progress.mjs';
import { printableUrl, requestLog } from './requests.mjs';
import { EXIT, describe } from './failure.mjs';
import { dashboardFilters } from './filters.mjs';
import { eachJobs, readJobs, runBatch } from './batch.mjs';
import { defaultFileName, outputPath, planFile, writeAtomically } from './files.mjs';
// The table of render kinds: js/ beside cli/ in the repository and in the package.
import { renderKinds } from '../js/render-kinds.js';

// The words `render` takes: the table's kinds, with `element` as the short word for dashboard_element.
const SHORT_WORDS = { dashboard_element: 'element' };
const wordFor = (kind) => SHORT_WORDS[kind.kind] ?? kind.kind;
const KINDS = new Map();
for (const kind of renderKinds.kinds) {
  KINDS.set(kind.kind, kind);
  KINDS.set(wordFor(kind), kind);
}
const KIND_WORDS = renderKinds.kinds.map(wordFor);
const ALSO_ACCEPTED = Object.entries(SHORT_WORDS).map(([kind, word]) => ` (${word} is also ${kind})`).join('');
const kindsHelp = (describe) => renderKinds.kinds.map((kind) => `${wordFor(kind)} ${describe(kind)}`).join(', ');
const DASHBOARD_ONLY = ['filters', 'filter', 'each', 'style', 'paper', 'landscape', 'long-tables'];
const RENDER_ONLY = ['format', 'width', 'height', ...DASHBOARD_ONLY, 'output'];
// The flags of one or two commands, and the words that say which.
const FLAG_COMMANDS = {
  ...Object.fromEntries(RENDER_ONLY.map((name) => [name, 'render'])),
  force: 'render and batch', concurrency: 'batch and render --each', fields: 'get',
};

/**
 * Renders at once for batch and --each without --concurrency: the library's
 * default (BatchOptions.concurrency, src/types.d.ts), passed explicitly so
 * that the progress line can count the renders under way.
 */
const DEFAULT_CONCURRENCY = 2;

const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  verbose: { type: 'boolean' },
  ini: { type: 'string' },
  section: { type: 'string' },
  'base-url': { type: 'string' },
  timeout: { type: 'string' },
  fields: { type: 'string' },
  format: { type: 'string', short: 'f' },
  width: { type: 'string' },
  height: { type: 'string' },
  filters: { type: 'string' },
  filter: { type: 'string', multiple: true },
  each: { type: 'string', multiple: true },
  style: { type: 'string' },
  paper: { type: 'string' },
  landscape: { type: 'boolean' },
  'long-tables': { type: 'boolean' },
  output: { type: 'string', short: 'o' },
  force: { type: 'boolean' },
  concurrency: { type: 'string' },
};

const HELP = `looker-render: render Looker content to files, or get a render task as JSON

Usage:
  looker-render render <${KIND_WORDS.join('|')}> <id> [options]
  looker-render render dashboard <id> --each 'Name=a,b,c' [options]
  looker-render batch <jobs.json> [--concurrency N] [--force]
  looker-render get <render_task_id> [--fields a,b]
  looker-render --help | --version

Render options:
  -f, --format FORMAT       result format, by kind (* the default):
                            ${kindsHelp((kind) => kind.formats.map((f) => (f === kind.defaultFormat ? `${f}*` : f)).join(' '))}
      --width N, --height N size in pixels; defaults:
                            ${kindsHelp((kind) => `${kind.defaultWidth}x${kind.defaultHeight}`)}
      --filter 'Name=value' a dashboard filter, repeatable; nothing to encode (spaces,
                            &, =, +, % as they are); a comma separates several values,
                            ^, is a comma inside one value, ^^ a caret (as in Looker URLs)
      --filters 'a=1&b=2'   dashboard filters as Looker's URL query string, sent as it is
                            (with --filter: merged, --filter wins for a name in both)
      --style ${renderKinds.dashboardStyles.join('|')}   dashboard layout
      --paper SIZE          PDF paper: ${renderKinds.pdfPaperSizes.join(', ')}
      --landscape           PDF in landscape
      --long-tables         expand tables to show all their rows
      --each 'Name=a,b,c'   one dashboard render per value of one filter (values as in
                            --filter: ^, for a comma inside one; repeat --each Name=d for
                            more values); the other filters stay as set. pdf: one PDF of
                            all their pages, in this order, written only if every render
                            succeeded; png, jpg: one file per value, <kind>-<id>-<value>.<ext>
                            (the value made file-name safe; -o DIR puts them there, -o
                            NAME.png makes NAME-<value>.png)
      --concurrency N       renders at once, for --each and batch (default ${DEFAULT_CONCURRENCY}, at most 64)
  -o, --output FILE         where to write (default: <kind>-<id>.<ext>; a directory:
                            that name inside it; -: standard output)
      --force               overwrite FILE if it exists (never done without it)

Batch: jobs.json is a JSON array of render requests as the library takes them, each
with "output", the file to write (relative to the current directory):
  [{ "look_id": "7", "result_format": "png", "output": "look-7.png" },
   { "dashboard_id": "42", "result_format": "pdf", "pdf_paper_size": "a4",
     "body": { "dashboard_filters": { "Region": "EMEA", "Order Date": "7 days" } },
     "output": "emea.pdf" }]
Ids may be numbers; width and height default as for render. Every job is checked
before any request; an error names the job and key (jobs.json[3].width: ...). Each
file is written as its render finishes; progress on stderr (12/40 done, 2 rendering,
1 failed); at the end each failed job, its output and the reason. --concurrency and
--force as above; --timeout applies to each render. Ctrl-C stops every render at once:
the files already written stay, and no file is left half-written.

Get options:
      --fields a,b          only these properties of the task

Common options:
      --timeout SECONDS     give up on a render after this long (default: ${DEFAULT_TIMEOUT_SECONDS.render} for render
                            and batch, each render; ${DEFAULT_TIMEOUT_SECONDS.get} for get)
      --base-url URL        the Looker API host, such as https://acme.looker.com:19999
      --ini PATH            a Looker SDK ini file (default: ./${DEFAULT_INI}, if there)
      --section NAME        its section (default: ${DEFAULT_SECTION})
  -q, --quiet               no progress on stderr
      --verbose             where each setting came from, each HTTP request and its
                            answer on stderr (> GET URL, then < 200 application/json
                            1.2 KiB in 35 ms) and, on failure, the request that failed;
                            never a token, a secret or a request body
  -h, --help                this help
      --version             the version

Configuration, as in the Looker SDKs (environment overrides the ini file, flags override both):
  LOOKERSDK_BASE_URL       base_url       the Looker API host
  LOOKERSDK_CLIENT_ID      client_id      API credentials: the CLI logs in with them
  LOOKERSDK_CLIENT_SECRET  client_secret
  LOOKERSDK_ACCESS_TOKEN   -              a token instead, for hosts that hand one out
  LOOKERSDK_TIMEOUT        timeout        seconds, as --timeout

Errors name what was being done and to what, then Looker's answer, then which setting
the credentials, host or timeout came from (not their values), as in
  looker-render: get render task 7d1c…: 401 Requires authentication. …
    access token: LOOKERSDK_ACCESS_TOKEN in the environment

Exit codes: 0 done; 1 the render failed (Looker's status_detail is printed) or the file
could not be written, or with batch and --each any render or file failed; 2 usage or
configuration error; 3 API or authentication error, or no answer; 4 timeout; 130
interrupted (Ctrl-C stops polling at once and leaves no file, not even part of one;
the files batch and --each png/jpg already wrote stay).

Examples:
  looker-render render dashboard 42 --format pdf --paper a4 --landscape -o report.pdf
  looker-render render look 7 --width 1600 --height 900          # writes look-7.png
  looker-render render dashboard 42 --filter 'Region=EMEA,APAC' --filter 'Order Date=7 days'
  looker-render render dashboard 42 --filters 'Region=EMEA&Date=7%20days' --style single_column
  looker-render render element 101 --format jpg -o - > tile.jpg
  looker-render render dashboard 42 --each 'Region=EMEA,APAC,US' -o regions.pdf   # 3 pages
  looker-render render dashboard 42 -f png --each 'Region=EMEA,APAC' -o out/     # 2 files
  looker-render batch jobs.json --concurrency 4
  looker-render get 7d1c0a5e9b3f4e21a8c6d2b0f1e3a4c5 --fields id,status,status_detail
  LOOKERSDK_BASE_URL=https://acme.looker.com:19999 LOOKERSDK_CLIENT_ID=... \\
    LOOKERSDK_CLIENT_SECRET=... looker-render render look 7
`;

/** Ctrl-C: the render's signal is aborted with this reason. */
class Interrupted extends Error {}

function version() {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  return manifest.version;
}

function parse(argv) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error.message.replace(/\. To specify a positional argument.*$/s, ''));
  }
  return { flags: parsed.values, positionals: parsed.positionals };
}

function integer(flags, name, fallback, unit = 'pixels') {
  const raw = flags[name];
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new UsageError(`--${name} must be a whole number of ${unit}, not "${raw}"`);
  return Number(raw);
}

/** Refuses the flags that are not for `command` (or not for it without --each). */
function onlyFlagsOf(command, flags) {
  const own = (name) => FLAG_COMMANDS[name].split(' and ').some((words) => words === command || (words === 'render --each' && command === 'render' && flags.each));
  const stray = Object.keys(FLAG_COMMANDS).find((name) => flags[name] !== undefined && !own(name));
  if (stray) throw new UsageError(`--${stray} is for ${FLAG_COMMANDS[stray]} only`);
}

/** The render request from the command line, checked as far as the CLI can. */
function renderRequest(positionals, flags) {
  const [kindName, id, ...rest] = positionals;
  if (!kindName) throw new UsageError(`render what? looker-render render <${KIND_WORDS.join('|')}> <id>`);
  const kind = KINDS.get(kindName);
  if (!kind) throw new UsageError(`unknown kind "${kindName}": one of ${KIND_WORDS.join(', ')}${ALSO_ACCEPTED}`);
  if (!id) throw new UsageError(`render ${kindName} needs an id`);
  if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}"`);
  const dashboard = kind.kind === 'dashboard';
  if (!dashboard) {
    const used = DASHBOARD_ONLY.filter((name) => flags[name] !== undefined);
    if (used.length) throw new UsageError(`--${used[0]} is for dashboards only`);
  }
  let format = (flags.format ?? kind.defaultFormat).toLowerCase();
  if (format === 'jpeg') format = 'jpg';
  if (!kind.formats.includes(format)) {
    const article = /^[aeiou]/.test(kindName) ? 'an' : 'a';
    throw new UsageError(`--format ${flags.format}: ${article} ${kindName} renders to ${kind.formats.join(' or ')}`);
  }
  if (flags.style !== undefined && !renderKinds.dashboardStyles.includes(flags.style)) {
    throw new UsageError(`--style must be ${renderKinds.dashboardStyles.join(' or ')}, not "${flags.style}"`);
  }
  const request = {
    [kind.idName]: id,
    result_format: format,
    width: integer(flags, 'width', kind.defaultWidth),
    height: integer(flags, 'height', kind.defaultHeight),
  };
  if (dashboard) {
    const body = {};
    const filters = dashboardFilters(flags);
    if (filters !== undefined) body.dashboard_filters = filters;
    if (flags.style !== undefined) body.dashboard_style = flags.style;
    if (Object.keys(body).length) request.body = body;
    if (flags.paper !== undefined) request.pdf_paper_size = flags.paper.toLowerCase();
    if (flags.landscape) request.pdf_landscape = true;
    if (flags['long-tables']) request.long_tables = true;
  }
  return { kindName, id, format, request };
}

/** Where the result goes; refuses an existing file without --force, before any request. */
function planOutput(flags, kindName, id, format) {
  if (flags.output === '-') return { stdout: true };
  return planFile(outputPath(flags.output, defaultFileName(kindName, id, format)), flags.force);
}

async function main(argv, { env = process.env, stdout = process.stdout, stderr = process.stderr } = {}) {
  let secrets = [];
  const say = (text) => stderr.write(`looker-render: ${redact(text, secrets)}\n`);

  let flags, positionals;
  try {
    ({ flags, positionals } = parse(argv));
  } catch (error) {
    say(`${error.message}\nTry looker-render --help.`);
    return EXIT.usage;
  }
  if (flags.help) { stdout.write(HELP); return EXIT.ok; }
  if (flags.version) { stdout.write(`${version()}\n`); return EXIT.ok; }

  const [command, ...args] = positionals;
  let config;
  let plan = null;
  let render = null;
  let batch = null; // batch and render --each: { jobs, merge, label, where }
  let concurrency;
  let parsed = false; // past the command line: errors are about configuration or files
  try {
    if (!command) throw new UsageError('a command is needed: render, batch or get');
    if (!['render', 'batch', 'get'].includes(command)) throw new UsageError(`unknown command "${command}": render, batch or get`);
    onlyFlagsOf(command, flags);
    if (command === 'get') {
      if (args.length !== 1) throw new UsageError(args.length ? `unexpected argument "${args[1]}"` : 'get needs a render task id');
    } else if (command === 'batch') {
      if (args.length !== 1) throw new UsageError(args.length ? `unexpected argument "${args[1]}"` : 'batch needs a jobs file: looker-render batch jobs.json');
    } else {
      render = renderRequest(args, flags);
    }
    concurrency = integer(flags, 'concurrency', DEFAULT_CONCURRENCY, 'renders at once');

    parsed = true;
    const iniPath = flags.ini ?? DEFAULT_INI;
    const section = flags.section ?? DEFAULT_SECTION;
    const ini = loadIni(iniPath, section, { explicitFile: flags.ini !== undefined, explicitSection: flags.section !== undefined });
    config = resolveConfig({ ini, iniLabel: `${iniPath} [${section}]`, env, flags, command });
    secrets = secretsOf(config);
    if (command === 'batch') {
      batch = { jobs: readJobs(args[0], flags.force), label: args[0], where: (index) => `${args[0]}[${index}]` };
    } else if (flags.each) {
      const merge = render.format === 'pdf' ? planOutput(flags, render.kindName, render.id, render.format) : null;
      batch = { jobs: eachJobs(render, flags), merge, label: `${render.kindName} ${render.id}`, where: () => 'request' };
    } else if (render) {
      plan = planOutput(flags, render.kindName, render.id, render.format);
    }
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    say(`${error.message}${parsed ? '' : '\nTry looker-render --help.'}`);
    return EXIT.usage;
  }

  if (flags.verbose) {
    const c = config;
    say(`base URL ${printableUrl(c.baseUrl.value)} (${c.baseUrl.source})`);
    if (c.auth.kind === 'token') {
      say(`signing in with an access token, [redacted] (${c.accessToken.source})`);
      if (c.clientId.value) say(`client id ${hint(c.clientId.value)} (${c.clientId.source}) not used: the access token wins`);
    } else {
      say(`signing in with client id ${hint(c.clientId.value)} (${c.clientId.source}) and client secret [redacted] (${c.clientSecret.source})`);
    }
    say(`timeout ${c.timeout.value} s (${c.timeout.source})`);
  }

  // Loaded only now: --help and usage errors need no wasm.
  const lib = await import('../node/index.mjs');
  const timeoutMs = config.timeout.value * 1000;
  const options = { baseUrl: config.baseUrl.value, timeoutMs };
  if (config.auth.kind === 'token') options.accessToken = config.auth.accessToken;
  else Object.assign(options, { clientId: config.auth.clientId, clientSecret: config.auth.clientSecret });
  // Every request is noted, so that a failure can say which one it was; --verbose prints them.
  const requests = requestLog({ print: flags.verbose ? say : null });
  options.fetch = requests.fetch;

  const controller = new AbortController();
  let interrupted = false;
  const onSigint = () => {
    if (interrupted) process.exit(EXIT.interrupted); // a second Ctrl-C: no more waiting
    interrupted = true;
    controller.abort(new Interrupted('interrupted'));
  };
  process.on('SIGINT', onSigint);

  let reporter = null;
  const tally = { written: 0 }; // files a batch wrote, for the message of a Ctrl-C
  try {
    const client = new lib.LookerClient(options);
    if (command === 'get') {
      const fields = flags.fields?.split(',').map((f) => f.trim()).filter(Boolean);
      const task = await client.renderTask(args[0], { ...(fields?.length ? { fields } : {}), signal: controller.signal });
      if (interrupted) throw controller.signal.reason;
      await new Promise((done) => stdout.write(`${redact(JSON.stringify(task, null, 2), secrets)}\n`, done));
      return EXIT.ok;
    }

    // --verbose prints lines of its own: a live line would garble them.
    const mode = flags.quiet ? 'quiet' : stderr.isTTY && !flags.verbose ? 'tty' : 'plain';
    if (batch) {
      return await runBatch({
        client, ...batch, concurrency, force: flags.force, timeoutMs, signal: controller.signal,
        stderr, stdout, mode, say, redact: (s) => redact(s, secrets), tally,
      });
    }
    reporter = progressReporter({
      stream: stderr, mode, label: `${render.kindName} ${render.id}`, redact: (s) => redact(s, secrets),
    });
    const result = await client.render(render.request, {
      signal: controller.signal,
      timeoutMs,
      onProgress: (task) => reporter.stage(task.status === 'success' ? 'downloading' : task.status, task),
    });
    if (interrupted) throw controller.signal.reason; // Ctrl-C as the download finished: still no file
    const size = `${result.bytes.length} bytes, ${result.contentType}`;
    if (plan.stdout) {
      reporter.done(`${render.kindName} ${render.id}: ${size} to standard output, render task ${result.task.id},`);
      await new Promise((done) => stdout.write(result.bytes, done));
    } else {
      try {
        writeAtomically(plan, result.bytes, flags.force);
      } catch (error) {
        if (error instanceof UsageError) throw error;
        reporter.stop();
        say(`cannot write ${plan.path}: ${error.message}`);
        return EXIT.failed;
      }
      reporter.done(`${render.kindName} ${render.id}: wrote ${plan.path} (${size}), render task ${result.task.id},`);
    }
    return EXIT.ok;
  } catch (error) {
    reporter?.stop();
    if (interrupted || error instanceof Interrupted) {
      if (!batch) say('interrupted: stopped waiting for the render; no file written');
      else if (batch.merge) say('interrupted: stopped the renders; no file written');
      else say(`interrupted: stopped the renders; no partial file; the ${tally.written} written before stay`);
      return EXIT.interrupted;
    }
    const [code, message] = describe(error, lib, { config, command, requests, verbose: flags.verbose });
    say(message);
    return code;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

main(process.argv.slice(2)).then((code) => process.exit(code), (error) => {
  process.stderr.write(`looker-render: unexpected error: ${error?.stack ?? error}\n`);
  process.exit(EXIT.failed);
});
