// Configuration of the looker-render CLI, as the Looker SDKs read theirs:
// a looker.ini section, then LOOKERSDK_* environment variables, then flags.
// Pure functions: no I/O but the one file read in loadIni.
import { readFileSync } from 'node:fs';

export const DEFAULT_INI = 'looker.ini';
export const DEFAULT_SECTION = 'Looker';
export const DEFAULT_TIMEOUT_SECONDS = { render: 600, batch: 600, get: 120 };

/** A configuration or usage problem: exit code 2. */
export class UsageError extends Error {}
Object.defineProperty(UsageError.prototype, 'name', { value: 'UsageError' });

/**
 * Parses INI text as Python's configparser (which the Looker SDKs use) reads
 * simple files: `[section]` headers, `key = value` or `key: value`, keys
 * case-insensitive, `#`/`;` comment lines. Surrounding quotes are dropped.
 * Returns a Map of section name to a plain object of keys.
 */
export function parseIni(text) {
  const sections = new Map();
  let current = null;
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header) {
      const name = header[1].trim();
      if (!sections.has(name)) sections.set(name, Object.create(null));
      current = sections.get(name);
      return;
    }
    const at = line.search(/[=:]/);
    if (at <= 0) throw new UsageError(`line ${index + 1}: expected "key = value"`);
    if (current === null) throw new UsageError(`line ${index + 1}: "${line.slice(0, at).trim()}" is outside any [section]`);
    const key = line.slice(0, at).trim().toLowerCase();
    let value = line.slice(at + 1).trim();
    if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.at(-1) === value[0]) value = value.slice(1, -1);
    current[key] = value;
  });
  return sections;
}

/**
 * Reads the section of an ini file. `explicit` says the user named the file
 * or the section: then a missing file or section is an error; the default
 * ./looker.ini may simply not exist.
 */
export function loadIni(path, section, { explicitFile = false, explicitSection = false } = {}) {
  let text;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (error.code === 'ENOENT' && !explicitFile && !explicitSection) return null;
    throw new UsageError(`cannot read ${path}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`);
  }
  let sections;
  try {
    sections = parseIni(text);
  } catch (error) {
    throw new UsageError(`${path}: ${error.message}`);
  }
  if (!sections.has(section)) {
    const known = [...sections.keys()];
    throw new UsageError(`${path} has no [${section}] section${known.length ? ` (it has ${known.map((s) => `[${s}]`).join(', ')})` : ''}`);
  }
  return sections.get(section);
}

const SETTINGS = [
  // name, ini key, environment variable, flag
  ['baseUrl', 'base_url', 'LOOKERSDK_BASE_URL', 'base-url'],
  ['clientId', 'client_id', 'LOOKERSDK_CLIENT_ID', null],
  ['clientSecret', 'client_secret', 'LOOKERSDK_CLIENT_SECRET', null],
  ['accessToken', null, 'LOOKERSDK_ACCESS_TOKEN', null],
  ['timeout', 'timeout', 'LOOKERSDK_TIMEOUT', 'timeout'],
];

/**
 * Merges ini values, environment and flags: later sources win, key by key;
 * empty values count as unset. Returns each setting with where it came from:
 * `source` (`environment LOOKERSDK_TIMEOUT`, `looker.ini [Looker]`, `flag
 * --timeout`, `default`), and as `key` and `place` for sentences (`whence`).
 */
export function resolveConfig({ ini, iniLabel, env, flags, command }) {
  const config = {};
  for (const [name, iniKey, envName, flag] of SETTINGS) {
    let setting = { value: null, source: null, key: null, place: null };
    if (ini && iniKey && ini[iniKey]) setting = { value: ini[iniKey], source: iniLabel, key: iniKey, place: `in ${iniLabel}` };
    if (env[envName]) setting = { value: env[envName], source: `environment ${envName}`, key: envName, place: 'in the environment' };
    if (flag && flags[flag] !== undefined) setting = { value: flags[flag], source: `flag --${flag}`, key: `--${flag}`, place: 'on the command line' };
    config[name] = setting;
  }

  if (!config.baseUrl.value) {
    throw new UsageError('no Looker host: set LOOKERSDK_BASE_URL, base_url in looker.ini, or --base-url');
  }

  const t = config.timeout;
  if (t.value === null) {
    t.value = DEFAULT_TIMEOUT_SECONDS[command];
    t.source = 'default';
  } else {
    const seconds = Number(t.value);
    if (!/^\s*\d+(\.\d+)?\s*$/.test(String(t.value)) || !(seconds > 0)) {
      throw new UsageError(`timeout must be a positive number of seconds, not "${t.value}" (${t.source})`);
    }
    t.value = seconds;
  }

  // The client takes exactly one way to sign in. A token handed out by the
  // host is the most specific choice; otherwise API credentials.
  let auth;
  if (config.accessToken.value) {
    auth = { kind: 'token', accessToken: config.accessToken.value };
  } else if (config.clientId.value && config.clientSecret.value) {
    auth = { kind: 'credentials', clientId: config.clientId.value, clientSecret: config.clientSecret.value };
  } else if (config.clientId.value || config.clientSecret.value) {
    const missing = config.clientId.value ? 'client secret (LOOKERSDK_CLIENT_SECRET or client_secret)' : 'client id (LOOKERSDK_CLIENT_ID or client_id)';
    throw new UsageError(`incomplete API credentials: no ${missing}`);
  } else {
    throw new UsageError('no credentials: set LOOKERSDK_CLIENT_ID and LOOKERSDK_CLIENT_SECRET '
      + '(or client_id and client_secret in looker.ini), or LOOKERSDK_ACCESS_TOKEN');
  }
  return { ...config, auth };
}

/**
 * Where settings were set, as the user would look for them, never their
 * values: `LOOKERSDK_CLIENT_ID and LOOKERSDK_CLIENT_SECRET in the environment`,
 * `client_id in looker.ini [Looker] and LOOKERSDK_CLIENT_SECRET in the environment`.
 */
export function whence(...settings) {
  const places = new Map();
  for (const { key, place } of settings) places.set(place, [...(places.get(place) ?? []), key]);
  return [...places].map(([place, keys]) => `${keys.join(' and ')} ${place}`).join(' and ');
}

/** The values that must never be printed. */
export function secretsOf(config) {
  return [config.clientSecret?.value, config.accessToken?.value, config.clientId?.value].filter((s) => typeof s === 'string' && s.length >= 4);
}

/** Replaces every secret in `text` with [redacted]. */
export function redact(text, secrets) {
  let out = String(text);
  for (const secret of secrets) out = out.split(secret).join('[redacted]');
  // Also anything shaped like a credential in a URL or header, whatever its value.
  return out
    .replace(/((?:client_secret|access_token|token)=)[^&\s"']+/gi, '$1[redacted]')
    .replace(/(authorization:\s*(?:token|bearer)\s+)\S+/gi, '$1[redacted]');
}

/** "abcd…" for a client id: enough to tell which one, not the whole value. */
export function hint(value) {
  return value.length > 8 ? `${value.slice(0, 4)}…` : '…';
}
