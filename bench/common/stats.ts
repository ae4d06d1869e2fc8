/**
 * Summaries of repeated timings: medians and spread (min/max and the
 * quartiles), the form every benchmark line reports, and the log-log fit of
 * how a cost grows with size.
 */

/** Median, quartiles and extremes of a sample of timings. */
export interface Summary {
  readonly median: number;
  readonly q1: number;
  readonly q3: number;
  readonly min: number;
  readonly max: number;
  readonly n: number;
}

/** Linear-interpolation quantile (numpy's default 'linear' method) of sorted values. */
function quantileSorted(s: readonly number[], q: number): number {
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

/** Summary of a non-empty sample (throws a RangeError on an empty one: a benchmark with no runs has nothing to report). */
export function summarize(xs: readonly number[], digits = 4): Summary {
  if (xs.length === 0) throw new RangeError('summarize: empty sample');
  const s = [...xs].sort((a, b) => a - b);
  const round = (x: number) => Number(x.toPrecision(digits));
  return {
    median: round(quantileSorted(s, 0.5)),
    q1: round(quantileSorted(s, 0.25)),
    q3: round(quantileSorted(s, 0.75)),
    min: round(s[0]!),
    max: round(s[s.length - 1]!),
    n: s.length,
  };
}

/**
 * Exponent k of the power law y ~ c x^k fitted by least squares on
 * (log x, log y), with its coefficient of determination r2.
 */
export function powerLawFit(x: readonly number[], y: readonly number[]): { exponent: number; r2: number } {
  if (x.length !== y.length || x.length < 2) throw new RangeError('powerLawFit: needs at least two (x, y) pairs of equal count');
  const lx = x.map(Math.log);
  const ly = y.map(Math.log);
  const mx = lx.reduce((a, b) => a + b, 0) / lx.length;
  const my = ly.reduce((a, b) => a + b, 0) / ly.length;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < lx.length; i++) {
    sxy += (lx[i]! - mx) * (ly[i]! - my);
    sxx += (lx[i]! - mx) ** 2;
    syy += (ly[i]! - my) ** 2;
  }
  const exponent = sxy / sxx;
  const r2 = syy > 0 ? (sxy * sxy) / (sxx * syy) : 1;
  return { exponent: Number(exponent.toFixed(3)), r2: Number(r2.toFixed(4)) };
}
