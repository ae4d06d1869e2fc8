/**
 * Sign of an expression as DCP tracks it: `nonneg` and `nonpos` both true
 * means identically zero, both false means unknown.
 */
export interface Sign {
  readonly nonneg: boolean;
  readonly nonpos: boolean;
}

/** Whether a function is increasing, decreasing or neither in one argument (locally, given the argument signs). */
export type Monotonicity = 'increasing' | 'decreasing' | 'none';

/** Intrinsic curvature of an operation, before composition. */
export type IntrinsicCurvature = 'affine' | 'convex' | 'concave';

/** Curvature of a whole expression after the DCP composition rule. */
export type Curvature = 'constant' | 'affine' | 'convex' | 'concave';

/** Known >= 0. */
export const NONNEG: Sign = { nonneg: true, nonpos: false };
/** Known <= 0. */
export const NONPOS: Sign = { nonneg: false, nonpos: true };
/** Sign unknown. */
export const UNKNOWN_SIGN: Sign = { nonneg: false, nonpos: false };
/** Identically zero. */
export const ZERO: Sign = { nonneg: true, nonpos: true };

/** Sign of a numeric array. */
export function signOfValues(values: ArrayLike<number>): Sign {
  let nonneg = true;
  let nonpos = true;
  for (let i = 0; i < values.length; i++) {
    if (values[i]! < 0) nonneg = false;
    if (values[i]! > 0) nonpos = false;
  }
  return { nonneg, nonpos };
}

/** Sign of a sum. */
export function sumSign(signs: readonly Sign[]): Sign {
  return { nonneg: signs.every((s) => s.nonneg), nonpos: signs.every((s) => s.nonpos) };
}

/** Sign of -x. */
export function negateSign(s: Sign): Sign {
  return { nonneg: s.nonpos, nonpos: s.nonneg };
}

/** Sign of a product (or quotient) of two factors. */
export function productSign(a: Sign, b: Sign): Sign {
  if ((a.nonneg && a.nonpos) || (b.nonneg && b.nonpos)) return ZERO;
  return {
    nonneg: (a.nonneg && b.nonneg) || (a.nonpos && b.nonpos),
    nonpos: (a.nonneg && b.nonpos) || (a.nonpos && b.nonneg),
  };
}

/** Monotonicity of f(x) = c * x in x for a factor c of sign `s`. */
export function monotonicityOfFactor(s: Sign): Monotonicity {
  if (s.nonneg) return 'increasing';
  if (s.nonpos) return 'decreasing';
  return 'none';
}

/** Monotonicity of a function that is increasing for x >= 0 and decreasing for x <= 0 (abs, square, ...). */
export function evenMonotonicity(arg: Sign): Monotonicity {
  if (arg.nonneg) return 'increasing';
  if (arg.nonpos) return 'decreasing';
  return 'none';
}
