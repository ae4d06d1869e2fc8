/**
 * Small dense LU factorization with partial pivoting, in float64 on typed
 * arrays (TensorFlow.js has no float64 and no linear solve). Used for the
 * bordered Anderson least-squares system and the monDEQ Peaceman-Rachford
 * resolvent (I + alpha (I - W))^{-1}.
 */

/** P A = L U of a row-major n x n matrix, kept for repeated solves. */
export interface LuFactor {
  readonly n: number;
  /** L (unit diagonal, below) and U (on and above the diagonal), row-major. */
  readonly lu: Float64Array;
  /** Row permutation: row i of P A is row `perm[i]` of A. */
  readonly perm: Int32Array;
  /** True when a pivot fell below `tol * max|A|`: solves would be meaningless. */
  readonly singular: boolean;
}

/** Factors the row-major n x n matrix `a` (not modified) as P A = L U with partial pivoting. */
export function luFactor(n: number, a: ArrayLike<number>, tol = 1e-13): LuFactor {
  const lu = Float64Array.from(a as ArrayLike<number>);
  const perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  let scale = 0;
  for (let i = 0; i < n * n; i++) scale = Math.max(scale, Math.abs(lu[i]!));
  let singular = scale === 0 || !Number.isFinite(scale);
  for (let k = 0; k < n && !singular; k++) {
    let p = k;
    let best = Math.abs(lu[k * n + k]!);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(lu[i * n + k]!);
      if (v > best) {
        best = v;
        p = i;
      }
    }
    if (best <= tol * scale) {
      singular = true;
      break;
    }
    if (p !== k) {
      for (let j = 0; j < n; j++) {
        const t = lu[k * n + j]!;
        lu[k * n + j] = lu[p * n + j]!;
        lu[p * n + j] = t;
      }
      const t = perm[k]!;
      perm[k] = perm[p]!;
      perm[p] = t;
    }
    const pivot = lu[k * n + k]!;
    for (let i = k + 1; i < n; i++) {
      const m = lu[i * n + k]! / pivot;
      lu[i * n + k] = m;
      if (m !== 0) for (let j = k + 1; j < n; j++) lu[i * n + j] = lu[i * n + j]! - m * lu[k * n + j]!;
    }
  }
  return { n, lu, perm, singular };
}

/** Solves A x = b with a factor from `luFactor` (forward then back substitution). */
export function luSolve(f: LuFactor, b: ArrayLike<number>): Float64Array {
  const { n, lu, perm } = f;
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[perm[i]!]!;
    for (let j = 0; j < i; j++) s -= lu[i * n + j]! * x[j]!;
    x[i] = s;
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = x[i]!;
    for (let j = i + 1; j < n; j++) s -= lu[i * n + j]! * x[j]!;
    x[i] = s / lu[i * n + i]!;
  }
  return x;
}

/** A^{-1} (row-major) from a factor, one column solve per unit vector. */
export function luInverse(f: LuFactor): Float64Array {
  const { n } = f;
  const inv = new Float64Array(n * n);
  const e = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    e.fill(0);
    e[j] = 1;
    const col = luSolve(f, e);
    for (let i = 0; i < n; i++) inv[i * n + j] = col[i]!;
  }
  return inv;
}
