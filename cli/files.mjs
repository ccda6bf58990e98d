// The files the CLI writes: where each goes (checked before any request:
// the directory must exist, an existing file is never overwritten without
// --force) and how it is written (a temporary file beside it, then renamed
// into place, so that the target never holds part of a file).
import { randomBytes } from 'node:crypto';
import { writeFileSync, renameSync, linkSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { UsageError } from './config.mjs';

const stat = (path) => statSync(path, { throwIfNoEntry: false }) ?? null;

/** Whether `path` names a directory: one that exists, or a path ending in `/`. */
export const isDirectory = (path) => path.endsWith('/') || Boolean(stat(path)?.isDirectory());

/** `text` made safe as a part of a file name: `::`, `/`, spaces and the like become `_`. */
export const fileNameSafe = (text) => text.replace(/[^A-Za-z0-9._-]/g, '_');

/** `<kind>-<id>.<ext>`, with the id made safe as a file name (`::`, `/` and the like become `_`). */
export const defaultFileName = (kindName, id, format) => `${kindName}-${fileNameSafe(id)}.${format}`;

/** Where `-o output` puts a file whose default name is `name`: `name`, `name` inside a directory, or `output` itself. */
export const outputPath = (output, name) => (output === undefined ? name : isDirectory(output) ? join(output, name) : output);

/** `path` with `-suffix` before its extension: `regions.png` → `regions-EMEA.png`. */
export function withSuffix(path, suffix) {
  const ext = extname(path);
  return `${path.slice(0, path.length - ext.length)}-${suffix}${ext}`;
}

/** A file to write at `path`: its directory must exist, and without `force` the file must not. */
export function planFile(path, force) {
  const dir = dirname(resolve(path));
  if (!stat(dir)?.isDirectory()) throw new UsageError(`cannot write ${path}: no directory ${dirname(path)}`);
  const existing = stat(path);
  if (existing?.isDirectory()) throw new UsageError(`${path} is a directory`);
  if (existing && !force) throw new UsageError(`${path} exists; use --force to overwrite it`);
  return { path, dir };
}

/**
 * Writes to a temporary file beside the target, then renames it into place,
 * so the target never holds part of a file. Without `force`, a hard link
 * publishes it only if nothing appeared at the path meanwhile. Synchronous:
 * a Ctrl-C cannot land halfway through.
 */
export function writeAtomically({ path, dir }, bytes, force) {
  const tmp = join(dir, `.${basename(path)}.${process.pid}-${randomBytes(4).toString('hex')}.part`);
  try {
    writeFileSync(tmp, bytes, { flag: 'wx' });
    if (force) {
      renameSync(tmp, path);
    } else {
      try {
        linkSync(tmp, path);
      } catch (error) {
        if (error.code === 'EEXIST') throw new UsageError(`${path} exists; use --force to overwrite it`);
        if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS'].includes(error.code)) throw error;
        // A file system without hard links: check, then rename.
        if (stat(path)) throw new UsageError(`${path} exists; use --force to overwrite it`);
        renameSync(tmp, path);
      }
    }
  } finally {
    rmSync(tmp, { force: true });
  }
}
