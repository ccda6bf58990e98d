// Many renders from one command: `looker-render batch jobs.json` and
// `looker-render render dashboard 42 --each 'Region=EMEA,APAC'`. Both become
// a list of jobs, `{ name, request, plan }` (`plan`: the file to write, or
// null when the bytes are kept for one merged PDF), checked before any
// request: the CLI checks the files, the library every request
// (`renderMany` throws on a bad one before it sends anything). The renders
// then go through the library's batch, which shares one login, backoff and
// retry budget, and each file is written as its render finishes.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from './config.mjs';
import { defaultFileName, fileNameSafe, outputPath, planFile, withSuffix, writeAtomically } from './files.mjs';
import { filterPair, withFilter } from './filters.mjs';
import { progressReporter } from './progress.mjs';
import { renderKinds } from '../js/render-kinds.js';

/** The longest value slug in a file name of --each. */
const MAX_SLUG = 100;

/** Refuses a second job writing to the same file (`also` says where the first came from). */
function outputsOnce() {
  const seen = new Map();
  return (path, what, message) => {
    const key = resolve(path).toLowerCase(); // a case-insensitive file system would write both to one file
    if (seen.has(key)) throw new UsageError(message(seen.get(key)));
    seen.set(key, what);
  };
}

/**
 * The jobs of a jobs file: a JSON array of render requests, each with an
 * `output` file. Ids may be numbers; sizes default as `render`'s do. The CLI
 * checks the array, the outputs and the files; the library checks the rest.
 */
export function readJobs(file, force) {
  let list;
  try {
    list = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    if (error instanceof SyntaxError) throw new UsageError(`${file} is not JSON: ${error.message}`);
    throw new UsageError(`cannot read ${file}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`);
  }
  if (!Array.isArray(list)) throw new UsageError(`${file} must hold a JSON array of render jobs`);
  if (list.length === 0) throw new UsageError(`${file} holds no jobs`);
  const once = outputsOnce();
  return list.map((job, index) => {
    const at = `${file}[${index}]`;
    if (job === null || typeof job !== 'object' || Array.isArray(job)) {
      throw new UsageError(`${at} must be an object: a render request and its "output"`);
    }
    const { output, ...request } = job;
    if (typeof output !== 'string' || output === '' || output === '-') {
      throw new UsageError(`${at}.output must be the name of the file to write${output === undefined ? '' : `, not ${JSON.stringify(output)}`}`);
    }
    const kinds = renderKinds.kinds.filter((kind) => request[kind.idName] !== undefined);
    for (const kind of kinds) {
      if (Number.isSafeInteger(request[kind.idName])) request[kind.idName] = String(request[kind.idName]);
    }
    if (kinds.length === 1) {
      request.width ??= kinds[0].defaultWidth;
      request.height ??= kinds[0].defaultHeight;
    }
    once(output, at, (first) => `${at}.output: ${output} is also the output of ${first}`);
    let plan;
    try {
      plan = planFile(output, force);
    } catch (error) {
      throw new UsageError(`${at}.output: ${error.message}`);
    }
    return { name: `${at} (${output})`, request, plan };
  });
}

/**
 * The jobs of `render dashboard <id> --each 'Name=a,b'`: one render per value,
 * with that filter set to it. A PDF is merged into one file (`merge`, planned
 * by the caller); an image is one file per value, the value's slug before
 * the extension (`dashboard-42-EMEA.png`, or `-o DIR`, or `-o NAME.png` →
 * `NAME-EMEA.png`).
 */
export function eachJobs(render, flags) {
  const pairs = flags.each.map((text) => filterPair(text, 'each'));
  const [name] = pairs[0];
  const other = pairs.find(([n]) => n !== name);
  if (other) throw new UsageError(`--each takes one filter: "${name}" and "${other[0]}" given (--filter sets the others)`);
  const values = pairs.flatMap(([, v]) => v);
  if (values.includes('')) throw new UsageError(`--each ${name}: an empty value (leave it out, or render without --each)`);
  const twice = values.find((value, i) => values.indexOf(value) !== i);
  if (twice !== undefined) throw new UsageError(`--each ${name}: ${JSON.stringify(twice)} is given twice`);

  const { body = {} } = render.request;
  const merge = render.format === 'pdf';
  if (!merge && flags.output === '-') throw new UsageError(`--each with ${render.format} writes one file per value: -o - cannot take them`);
  const base = outputPath(flags.output, defaultFileName(render.kindName, render.id, render.format));
  const once = outputsOnce();
  return values.map((value) => {
    const job = {
      name: `${name}=${JSON.stringify(value)}`,
      request: { ...render.request, body: { ...body, dashboard_filters: withFilter(body.dashboard_filters, name, value) } },
      plan: null,
    };
    if (!merge) {
      const path = withSuffix(base, fileNameSafe(value).slice(0, MAX_SLUG));
      once(path, value, (first) => `--each ${name}: ${JSON.stringify(first)} and ${JSON.stringify(value)} would both be written to ${path}`);
      job.plan = planFile(path, flags.force);
    }
    return job;
  });
}

/** The library's message about `requests[i]` or `options.concurrency`, in the command line's words. */
function inCommandWords(error, where) {
  const message = error.message
    .replace(/^requests\[(\d+)\]/, (_, index) => where(Number(index)))
    .replace(/^options\.concurrency\b/, '--concurrency');
  return new UsageError(message);
}

/**
 * Progress of a batch on stderr, `12/40 done, 2 rendering, 1 failed`: on a
 * terminal one live line, updated as each render ends; elsewhere a line at
 * each tenth of the jobs, at each failure and at the end; nothing when quiet.
 * The library's batch starts the next render as soon as one ends, so
 * `concurrency` renders are under way until fewer are left.
 */
function batchProgress({ stream, mode, label, total, concurrency, redact }) {
  let finished = 0;
  let failed = 0;
  const text = () => `${finished}/${total} done, ${Math.min(concurrency, total - finished)} rendering, ${failed} failed`;
  const reporter = progressReporter({ stream, mode, label, stage: text(), redact });
  const step = Math.max(1, Math.ceil(total / 10));
  return {
    finished(ok) {
      finished += 1;
      if (!ok) failed += 1;
      if (mode === 'tty' || !ok || finished % step === 0 || finished === total) reporter.stage(text());
    },
    done: reporter.done,
    stop: reporter.stop,
  };
}

/** The library's batch of the jobs' requests; a bad request or option throws here, before any request is sent. */
function startRenders(client, jobs, { concurrency, timeoutMs, signal, where }) {
  try {
    return client.renderMany(jobs.map((job) => job.request), { concurrency, signal, timeoutMs });
  } catch (error) {
    throw error instanceof TypeError || error instanceof RangeError ? inCommandWords(error, where) : error;
  }
}

/**
 * Writes each file as its render finishes. Returns the failures (`{ job,
 * error }`, in input order) and the bytes of the jobs without a file.
 * `tally.written` counts the files written, for the message of a Ctrl-C
 * (the loop then throws the signal's reason).
 */
async function finishJobs(many, jobs, { signal, force, progress, tally }) {
  const failures = [];
  const kept = [];
  for await (const outcome of many) {
    signal.throwIfAborted(); // Ctrl-C as this render finished: not written
    const job = jobs[outcome.index];
    let error = outcome.ok ? null : outcome.error;
    if (outcome.ok && job.plan) {
      try {
        writeAtomically(job.plan, outcome.bytes, force);
        tally.written += 1;
      } catch (writeError) {
        // A file that appeared meanwhile says so itself (UsageError); others are named here.
        error = writeError instanceof UsageError ? writeError : new Error(`cannot write ${job.plan.path}: ${writeError.message}`);
      }
    } else if (outcome.ok) {
      kept[outcome.index] = outcome.bytes;
    }
    if (error) failures.push({ index: outcome.index, job, error });
    progress.finished(!error);
  }
  failures.sort((a, b) => a.index - b.index);
  return { failures, kept };
}

/**
 * `batch` and `render --each`: renders `jobs`, then writes the merged PDF
 * (`merge`, a plan from the caller, for --each with pdf). Prints progress
 * and, at the end, each failure with the library's message. Resolves with
 * the exit code: 0, or 1 when any render or file failed.
 */
export async function runBatch({ client, jobs, merge = null, label, where, concurrency, force, timeoutMs, signal, stderr, stdout, mode, say, redact, tally }) {
  const many = startRenders(client, jobs, { concurrency, timeoutMs, signal, where });
  const progress = batchProgress({ stream: stderr, mode, label, total: jobs.length, concurrency, redact });
  let failures;
  let kept;
  try {
    ({ failures, kept } = await finishJobs(many, jobs, { signal, force, progress, tally }));
  } catch (error) {
    progress.stop();
    throw error;
  }
  const ok = jobs.length - failures.length;
  if (failures.length) {
    progress.done(`${label}: ${merge ? `${ok} of ${jobs.length} rendered, ${failures.length} failed; ${merge.stdout ? 'nothing written' : `${merge.path} not written`}` : `${ok} written, ${failures.length} failed`},`);
    say([`${failures.length} of ${jobs.length} failed:`, ...failures.map(({ job, error }) => `  ${job.name}: ${error.message}`)].join('\n'));
    return 1;
  }
  if (!merge) {
    progress.done(`${label}: ${ok} written,`);
    return 0;
  }
  const { mergePdfs } = await import('../pdf/index.js');
  let pdf;
  try {
    pdf = await mergePdfs(kept);
  } catch (error) {
    progress.stop();
    say(`cannot merge the ${jobs.length} PDFs: ${error.message}`);
    return 1;
  }
  signal.throwIfAborted();
  const size = `${pdf.length} bytes, application/pdf`;
  if (merge.stdout) {
    progress.done(`${label}: ${jobs.length} PDFs merged, ${size} to standard output,`);
    await new Promise((done) => stdout.write(pdf, done));
    return 0;
  }
  try {
    writeAtomically(merge, pdf, force);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    progress.stop();
    say(`cannot write ${merge.path}: ${error.message}`);
    return 1;
  }
  progress.done(`${label}: wrote ${merge.path} (${jobs.length} PDFs merged, ${size}),`);
  return 0;
}
