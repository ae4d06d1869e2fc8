/** Helpers that turn the two methods' traces into comparable numbers and plot series. */
import type { InputOptimizationStats } from 'optlayers';

/** Seconds until the batch-mean objective first reached `target`, or undefined if it never did. */
export function timeToTarget(stats: InputOptimizationStats, target: number): number | undefined {
  const k = stats.objectiveTrace.findIndex((v) => v <= target);
  return k < 0 ? undefined : stats.timeTraceMs[k]! / 1000;
}

/**
 * A trace resampled on a shared time grid (the plot's x axis): at time t, the
 * objective of the latest iterate evaluated by then; NaN before the first one
 * and after the run ended (so each curve stops where its method stopped).
 */
export function resample(stats: InputOptimizationStats, grid: readonly number[]): number[] {
  const times = stats.timeTraceMs.map((ms) => ms / 1000);
  const end = times.at(-1) ?? 0;
  let k = -1;
  return grid.map((t) => {
    while (k + 1 < times.length && times[k + 1]! <= t) k++;
    return k < 0 || t > end + 1e-9 ? NaN : stats.objectiveTrace[k]!;
  });
}

/** n + 1 evenly spaced points on [0, tMax]. */
export function timeGrid(tMax: number, n = 400): number[] {
  return Array.from({ length: n + 1 }, (_, i) => (tMax * i) / n);
}
