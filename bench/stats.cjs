'use strict';
// The statistics every part of the benchmark uses: bench/run.mjs for its
// tables, bench/simulate.mjs, and the contender processes (bench/consumer/).
// CommonJS, so that the CommonJS contender (@looker/sdk) loads it too.

/** A sorted copy, as numbers. */
const sorted = (values) => Float64Array.from(values).sort();

/** The middle value (the mean of the two middle ones for an even count); NaN when empty. */
function median(values) {
  if (!values.length) return NaN;
  const s = sorted(values);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function mean(values) {
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}

/** The smallest value at or above a fraction `q` (0..1] of them (nearest rank). */
const percentile = (values, q) => sorted(values)[Math.max(0, Math.ceil(q * values.length) - 1)];

module.exports = { sorted, median, mean, percentile };
