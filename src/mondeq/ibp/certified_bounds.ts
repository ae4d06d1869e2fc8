import { ShapeError, ValueError } from '../../../solvers/errors.js';
import { ibpMonotoneW64 } from './ibp_parameterization.js';
import { absSymmetricTopEigenvalueBound64, intervalLipschitzBound64 } from './interval_operator.js';

/**
 * Float64 certification: everything here works on plain arrays, recomputes
 * the model from its stored weights in float64, and widens the solver's
 * approximate interval equilibrium by a rigorous error bound, so a bound it
 * returns holds for the exact model (float64 rounding, ~1e-16 relative, aside).
 */

/** A widened interval equilibrium. */
export interface IntervalCertificate {
  /** Bounds [batch * units], row-major, containing the exact interval equilibrium (hence every z*(x), x in the box). */
  readonly zLo: Float64Array;
  readonly zHi: Float64Array;
  /** Per sample: the l2 error bound delta added on both sides. */
  readonly errorBound: Float64Array;
  /** Per sample: ||v - relu(W_I v + s_I)||_2, the natural residual of the solver's iterate. */
  readonly residual: Float64Array;
  /** Upper bound on ||I - W_I||_2 and lower bound mu on the strong monotonicity of I - W_I used in delta. */
  readonly lipschitzBound: number;
  readonly monotonicity: number;
}

function checkLength(a: ArrayLike<number>, want: number, what: string): void {
  if (a.length !== want) throw new ShapeError(`${what} has ${a.length} entries, want ${want}`);
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i]!)) throw new ValueError(`${what}[${i}] is not finite (${a[i]})`);
}

/**
 * Widens an approximate solution (zLo, zHi) of the interval system
 * v = relu(W_I v + s_I) (see `intervalOperator`) into bounds that contain the
 * exact solution v*. F(v) = (I - W_I) v - s_I is mu-strongly monotone and
 * L-Lipschitz, and v* solves the variational inequality of F over v >= 0, so
 * the natural-residual error bound (Facchinei & Pang 2003, Prop. 10.3.7)
 *   ||v - v*||_2 <= (1 + L) / mu * ||v - relu(v - F(v))||_2
 * holds, with v - F(v) = W_I v + s_I. mu is a guaranteed lower bound
 * (Collatz-Wielandt) and L a guaranteed upper bound (norm inequalities).
 * Throws a `ValueError` if mu <= 0 (only possible for non-finite weights).
 */
export function certifyIntervalEquilibrium(
  M: ArrayLike<number>,
  units: number,
  m: number,
  sLo: ArrayLike<number>,
  sHi: ArrayLike<number>,
  zLo: ArrayLike<number>,
  zHi: ArrayLike<number>,
  batch: number,
): IntervalCertificate {
  const n = units;
  checkLength(M, n * n, 'certifyIntervalEquilibrium: M');
  for (const [a, what] of [[sLo, 'sLo'], [sHi, 'sHi'], [zLo, 'zLo'], [zHi, 'zHi']] as const) checkLength(a, batch * n, `certifyIntervalEquilibrium: ${what}`);
  const W = ibpMonotoneW64(M, n, m);
  const mu = 1 - absSymmetricTopEigenvalueBound64(W, n);
  if (!(mu > 0)) throw new ValueError(`certifyIntervalEquilibrium: I - |W| is not strongly monotone (margin ${mu}); the weights M are not finite or the parametrization was bypassed`);
  const L = intervalLipschitzBound64(W, n);
  const outLo = new Float64Array(batch * n);
  const outHi = new Float64Array(batch * n);
  const errorBound = new Float64Array(batch);
  const residual = new Float64Array(batch);
  for (let b = 0; b < batch; b++) {
    const o = b * n;
    let r2 = 0;
    for (let i = 0; i < n; i++) {
      let lo = sLo[o + i]!;
      let hi = sHi[o + i]!;
      for (let j = 0; j < n; j++) {
        const w = W[i * n + j]!;
        if (w >= 0) {
          lo += w * zLo[o + j]!;
          hi += w * zHi[o + j]!;
        } else {
          lo += w * zHi[o + j]!;
          hi += w * zLo[o + j]!;
        }
      }
      const dLo = zLo[o + i]! - Math.max(lo, 0);
      const dHi = zHi[o + i]! - Math.max(hi, 0);
      r2 += dLo * dLo + dHi * dHi;
    }
    residual[b] = Math.sqrt(r2);
    const delta = ((1 + L) / mu) * residual[b]!;
    errorBound[b] = delta;
    for (let i = 0; i < n; i++) {
      // Every equilibrium is a relu output, so 0 stays a valid lower bound.
      outLo[o + i] = Math.max(zLo[o + i]! - delta, 0);
      outHi[o + i] = zHi[o + i]! + delta;
    }
  }
  return { zLo: outLo, zHi: outHi, errorBound, residual, lipschitzBound: L, monotonicity: mu };
}

/**
 * Float64 interval of y = x K + c over [lo, hi] (K row-major [inDim, outDim]),
 * optionally followed by relu: the explicit-network IBP step of Gowal et al. (2019).
 */
export function intervalAffine64(
  lo: ArrayLike<number>,
  hi: ArrayLike<number>,
  batch: number,
  kernel: ArrayLike<number>,
  bias: ArrayLike<number> | undefined,
  inDim: number,
  outDim: number,
  relu: boolean,
): { lo: Float64Array; hi: Float64Array } {
  checkLength(kernel, inDim * outDim, 'intervalAffine64: kernel');
  checkLength(lo, batch * inDim, 'intervalAffine64: lo');
  checkLength(hi, batch * inDim, 'intervalAffine64: hi');
  if (bias !== undefined) checkLength(bias, outDim, 'intervalAffine64: bias');
  const yLo = new Float64Array(batch * outDim);
  const yHi = new Float64Array(batch * outDim);
  for (let b = 0; b < batch; b++) {
    for (let k = 0; k < outDim; k++) {
      let a = bias === undefined ? 0 : bias[k]!;
      let c = a;
      for (let i = 0; i < inDim; i++) {
        const w = kernel[i * outDim + k]!;
        const l = lo[b * inDim + i]!;
        const h = hi[b * inDim + i]!;
        if (w >= 0) {
          a += w * l;
          c += w * h;
        } else {
          a += w * h;
          c += w * l;
        }
      }
      yLo[b * outDim + k] = relu ? Math.max(a, 0) : a;
      yHi[b * outDim + k] = relu ? Math.max(c, 0) : c;
    }
  }
  return { lo: yLo, hi: yHi };
}

/** Float64 margin certificate of a final affine layer over a box of its input. */
export interface MarginCertificate {
  /** Lower bounds on y_t - y_j (0 at j = t), shape [batch * classes], exact for the affine layer. */
  readonly marginLower: Float64Array;
  /** Per sample: 1 when every margin lower bound with j != t is > 0 (the prediction cannot change in the box). */
  readonly certified: Uint8Array;
}

/**
 * Lower bounds on y_t - y_j for y = z K + c over z in [lo, hi] (float64; the
 * specification e_t - e_j folded into the last layer, as `marginLowerBounds`).
 */
export function certifyMargins64(
  lo: ArrayLike<number>,
  hi: ArrayLike<number>,
  batch: number,
  kernel: ArrayLike<number>,
  bias: ArrayLike<number> | undefined,
  width: number,
  classes: number,
  labels: ArrayLike<number>,
): MarginCertificate {
  checkLength(kernel, width * classes, 'certifyMargins64: kernel');
  checkLength(lo, batch * width, 'certifyMargins64: lo');
  checkLength(hi, batch * width, 'certifyMargins64: hi');
  if (labels.length !== batch) throw new ShapeError(`certifyMargins64: labels has ${labels.length} entries, want ${batch}`);
  const marginLower = new Float64Array(batch * classes);
  const certified = new Uint8Array(batch);
  for (let b = 0; b < batch; b++) {
    const t = labels[b]!;
    if (!(Number.isInteger(t) && t >= 0 && t < classes)) throw new ValueError(`certifyMargins64: label ${b} is ${t}, want an integer in [0, ${classes})`);
    let ok = true;
    for (let j = 0; j < classes; j++) {
      if (j === t) continue;
      let bound = bias === undefined ? 0 : bias[t]! - bias[j]!;
      for (let i = 0; i < width; i++) {
        const w = kernel[i * classes + t]! - kernel[i * classes + j]!;
        bound += w >= 0 ? w * lo[b * width + i]! : w * hi[b * width + i]!;
      }
      marginLower[b * classes + j] = bound;
      if (!(bound > 0)) ok = false;
    }
    certified[b] = ok ? 1 : 0;
  }
  return { marginLower, certified };
}
