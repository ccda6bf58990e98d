// How long each stage of a new render task takes. As on a real instance, a
// target (kind, id, format and size) renders in about the same time each run,
// and runs spread a little around that:
//   base:   config targetStageMs['<kind path>/<id>'], else content.json's stageMs
//           (either may be partial; config stageMs fills the rest), else
//           randomDurationsMs, else config stageMs times a factor per target
//           in [1 - durationSpread, 1 + durationSpread] from a hash of the target;
//   spread: the base times a factor per task in [1 - durationSpread, 1 + durationSpread]
//           drawn from durationSeed and the task's number since the last reset.
// With durationSpread 0 (the default) every task of a target takes its base exactly.
import { STAGES } from './state.js';
import { prng, hashString } from './prng.js';

/** A number in [1 - spread, 1 + spread] for this seed string. */
const factor = (spread, seed) => 1 + spread * (2 * prng(hashString(seed))() - 1);

function baseDurations(config, entry, target) {
  const configured = STAGES.map((stage) => config.stageMs[stage]);
  const given = { ...(entry.stageMs ?? {}), ...(config.targetStageMs?.[`${target.kindPath}/${target.id}`] ?? {}) };
  if (Object.keys(given).length) return STAGES.map((stage, i) => given[stage] ?? configured[i]);
  if (config.randomDurationsMs) {
    const [min, max] = config.randomDurationsMs;
    const total = min + Math.random() * (max - min);
    const sum = configured.reduce((a, b) => a + b, 0);
    return sum > 0 ? configured.map((ms) => (total * ms) / sum) : STAGES.map(() => total / STAGES.length);
  }
  const perTarget = factor(config.durationSpread, targetKey(target));
  return configured.map((ms) => ms * perTarget);
}

/** The target a task renders, as one string: `dashboards/42/pdf/1920x1080`. */
export const targetKey = ({ kindPath, id, format, width, height }) => `${kindPath}/${id}/${format}/${width}x${height}`;

/**
 * The stage durations (ms, in STAGES order) of the `seq`th task since the last reset,
 * for `entry` of content.json and `target` ({ kindPath, id, format, width, height }).
 */
export function stageDurations(config, entry, target, seq) {
  const perTask = factor(config.durationSpread, `${config.durationSeed}:${seq}`);
  return baseDurations(config, entry, target).map((ms) => ms * perTask);
}
