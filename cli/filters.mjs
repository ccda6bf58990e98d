// Dashboard filters on the command line. `--filters` is the URL query string
// Looker takes, sent as it is. `--filter 'Name=value'` (repeatable) and
// `--each 'Name=a,b,c'` build the object form of `dashboard_filters`
// instead, which the library encodes as Looker's dashboard URLs do, so that
// no one hand-encodes `&`, `=`, `+`, `%` or spaces. In their values, as in
// Looker's URLs, a comma separates several values, `^,` is a comma inside
// one value and `^^` a caret.
import { UsageError } from './config.mjs';

/** Splits a value at its unescaped commas: `^,` is a comma inside one value, `^^` a caret; any other `^x` stays. */
export function splitValues(text) {
  const values = [''];
  for (const [token] of text.matchAll(/\^[,^]|[^]/g)) {
    if (token === ',') values.push('');
    else values[values.length - 1] += token.length === 2 ? token[1] : token;
  }
  return values;
}

/** `Name=a,b` of --filter or --each as `[name, values]`: the name ends at the first `=`. */
export function filterPair(text, flag) {
  const at = text.indexOf('=');
  if (at <= 0) throw new UsageError(`--${flag} takes Name=value, not "${text}"`);
  return [text.slice(0, at), splitValues(text.slice(at + 1))];
}

/** An object without a prototype, so that a filter may be called `__proto__`. */
const filterObject = () => Object.create(null);

/** The --filters query string as an object, read as Looker reads a dashboard URL's filters. */
function decodeQuery(query) {
  const filters = filterObject();
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const at = pair.indexOf('=');
    const [name, value] = at === -1 ? [pair, ''] : [pair.slice(0, at), pair.slice(at + 1)];
    try {
      const decoded = decodeURIComponent(name);
      filters[decoded] = [...(filters[decoded] ?? []), ...splitValues(decodeURIComponent(value))];
    } catch {
      throw new UsageError(`--filters: bad percent-encoding in "${pair}" (--filter 'Name=value' needs none)`);
    }
  }
  return filters;
}

/**
 * The `dashboard_filters` of the command line, or undefined: the --filters
 * string as it is when it comes alone; otherwise an object of --filters,
 * then each --filter (which replaces a filter of --filters of the same name;
 * several --filter of one name add values).
 */
export function dashboardFilters(flags) {
  const pairs = (flags.filter ?? []).map((text) => filterPair(text, 'filter'));
  if (!pairs.length) return flags.filters;
  const fromFlags = filterObject();
  for (const [name, values] of pairs) fromFlags[name] = [...(fromFlags[name] ?? []), ...values];
  return Object.assign(flags.filters === undefined ? filterObject() : decodeQuery(flags.filters), fromFlags);
}

/** `filters` with `name` set to `value` alone: one render of --each. */
export function withFilter(filters, name, value) {
  const base = typeof filters === 'string' ? decodeQuery(filters) : filters;
  return Object.assign(filterObject(), base, { [name]: value });
}
