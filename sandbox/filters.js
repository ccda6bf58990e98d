// What a dashboard render task's `dashboard_filters` string says, decoded the way
// Looker reads the filters of a dashboard URL, so tests can check that what a
// client meant arrived intact:
//   Region=EMEA&Order%20Date=7%20days&Tags=a%5E%2Cb%2Cc
//   -> { Region: ['EMEA'], 'Order Date': ['7 days'], Tags: ['a,b', 'c'] }
// Pairs are split at `&`, name from value at the first `=`; each side is
// percent-decoded (a `+` stays a plus: this is not a form body). A value then
// holds several values split at commas, where `^,` is a comma inside one value
// and `^^` a caret (Looker's filter-expression escaping); any other `^x` is part
// of the filter expression and stays as it is.

/** Splits one decoded filter value at its unescaped commas, unescaping `^,` and `^^`. */
export function splitFilterValues(value) {
  const values = [];
  let current = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    const next = value[i + 1];
    if (c === '^' && (next === ',' || next === '^')) {
      current += next;
      i += 1;
    } else if (c === ',') {
      values.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  values.push(current);
  return values;
}

/**
 * The filters a `dashboard_filters` string names: `{ name: [value, …] }`, in order
 * (a name given twice gets the values of both). Throws a URIError on a bad
 * percent-escape, naming the pair.
 */
export function decodeDashboardFilters(text) {
  const filters = {};
  if (!text) return filters;
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const at = pair.indexOf('=');
    const [rawName, rawValue] = at === -1 ? [pair, ''] : [pair.slice(0, at), pair.slice(at + 1)];
    let name;
    let value;
    try {
      name = decodeURIComponent(rawName);
      value = decodeURIComponent(rawValue);
    } catch {
      throw new URIError(`dashboard_filters: bad percent-encoding in "${pair}"`);
    }
    const values = [...(Object.hasOwn(filters, name) ? filters[name] : []), ...splitFilterValues(value)];
    // defineProperty: a filter may be called `__proto__` too.
    Object.defineProperty(filters, name, { value: values, enumerable: true, writable: true, configurable: true });
  }
  return filters;
}
