import { ShapeError, ValueError } from '../errors.js';

/**
 * Krylov solvers for square or rectangular linear systems given only as
 * matrix-vector products, in float64.
 *
 * - `gmres`: restarted GMRES(k) for a square nonsingular A x = b (Saad &
 *   Schultz 1986), with modified Gram-Schmidt Arnoldi and Givens rotations.
 * - `lsqr`: LSQR (Paige & Saunders 1982), the minimum-norm least-squares
 *   solution of min |A x - b| via Golub-Kahan bidiagonalization; the fallback
 *   for singular systems.
 *
 * Both stop on the true relative residual |b - A x| / |b| <= tol (LSQR also
 * on its normal-equations residual |A'(b - A x)| / (|A| |b - A x|) <= tol) and
 * report a status; neither ends silently.
 */

/** y = A x (the callee writes into `out` and returns it). */
export type MatVec = (x: Float64Array, out: Float64Array) => Float64Array;

/** Options of the Krylov solvers; see `resolveKrylovOptions` for defaults. */
export interface KrylovOptions {
  /** Relative residual tolerance (default 1e-10). */
  tol?: number;
  /** Total iteration limit (default 10 n, at least 100). */
  maxIters?: number;
  /** GMRES restart length (default min(n, 100)). */
  restart?: number;
  /** Initial guess (default zero). */
  x0?: ArrayLike<number>;
}

/** Outcome of an iterative solve. */
export interface KrylovResult {
  readonly x: Float64Array;
  /** 'converged', 'max_iters' (tolerance not met), 'breakdown' (a zero pivot in the recurrence), or 'nonfinite'. */
  readonly status: 'converged' | 'max_iters' | 'breakdown' | 'nonfinite';
  readonly iterations: number;
  /** Relative residual |b - A x| / |b| of the returned x, recomputed from scratch. */
  readonly relativeResidual: number;
}

/** Defaults filled in and validated; throws `ValueError` naming the bad option. */
export function resolveKrylovOptions(n: number, options: KrylovOptions = {}): Required<Omit<KrylovOptions, 'x0'>> {
  const tol = options.tol ?? 1e-10;
  const maxIters = options.maxIters ?? Math.max(100, 10 * n);
  const restart = options.restart ?? Math.max(1, Math.min(n, 100));
  if (!(tol > 0 && tol < 1)) throw new ValueError(`Krylov option tol must lie in (0, 1), got ${tol}`);
  if (!Number.isInteger(maxIters) || maxIters < 1) throw new ValueError(`Krylov option maxIters must be a positive integer, got ${maxIters}`);
  if (!Number.isInteger(restart) || restart < 1) throw new ValueError(`Krylov option restart must be a positive integer, got ${restart}`);
  if (options.x0 && options.x0.length !== n) throw new ShapeError(`Krylov initial guess has length ${options.x0.length}, expected ${n}`);
  return { tol, maxIters, restart };
}

function norm(v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  return Math.sqrt(s);
}

function residual(apply: MatVec, b: ArrayLike<number>, x: Float64Array, r: Float64Array): number {
  apply(x, r);
  for (let i = 0; i < r.length; i++) r[i] = b[i]! - r[i]!;
  return norm(r);
}

/** Restarted GMRES for the n x n system A x = b. */
export function gmres(apply: MatVec, b: ArrayLike<number>, options: KrylovOptions = {}): KrylovResult {
  const n = b.length;
  const { tol, maxIters, restart } = resolveKrylovOptions(n, options);
  const x = options.x0 ? Float64Array.from(options.x0) : new Float64Array(n);
  const r = new Float64Array(n);
  const bNorm = norm(Float64Array.from(b));
  if (bNorm === 0) return { x: new Float64Array(n), status: 'converged', iterations: 0, relativeResidual: 0 };
  const k = restart;
  const V = Array.from({ length: k + 1 }, () => new Float64Array(n));
  const H = new Float64Array((k + 1) * k); // column-major: H[j * (k + 1) + i]
  const cs = new Float64Array(k);
  const sn = new Float64Array(k);
  const gVec = new Float64Array(k + 1);
  const y = new Float64Array(k);
  let iterations = 0;
  let beta = residual(apply, b, x, r);
  while (true) {
    if (!Number.isFinite(beta)) return { x, status: 'nonfinite', iterations, relativeResidual: NaN };
    if (beta / bNorm <= tol) return { x, status: 'converged', iterations, relativeResidual: beta / bNorm };
    if (iterations >= maxIters) return { x, status: 'max_iters', iterations, relativeResidual: beta / bNorm };
    for (let i = 0; i < n; i++) V[0]![i] = r[i]! / beta;
    gVec.fill(0);
    gVec[0] = beta;
    let j = 0;
    let breakdown = false;
    for (; j < k && iterations < maxIters; j++) {
      iterations++;
      const w = V[j + 1]!;
      apply(V[j]!, w);
      const col = j * (k + 1);
      for (let i = 0; i <= j; i++) {
        const vi = V[i]!;
        let h = 0;
        for (let t = 0; t < n; t++) h += w[t]! * vi[t]!;
        H[col + i] = h;
        for (let t = 0; t < n; t++) w[t]! -= h * vi[t]!;
      }
      const hNext = norm(w);
      H[col + j + 1] = hNext;
      if (hNext > 0) for (let t = 0; t < n; t++) w[t]! /= hNext;
      for (let i = 0; i < j; i++) {
        const a = H[col + i]!;
        const c = H[col + i + 1]!;
        H[col + i] = cs[i]! * a + sn[i]! * c;
        H[col + i + 1] = -sn[i]! * a + cs[i]! * c;
      }
      const a = H[col + j]!;
      const c = H[col + j + 1]!;
      const d = Math.hypot(a, c);
      if (d === 0) {
        breakdown = true;
        break;
      }
      cs[j] = a / d;
      sn[j] = c / d;
      H[col + j] = d;
      H[col + j + 1] = 0;
      gVec[j + 1] = -sn[j]! * gVec[j]!;
      gVec[j] = cs[j]! * gVec[j]!;
      if (Math.abs(gVec[j + 1]!) / bNorm <= tol * 0.5 || hNext === 0) {
        j++;
        break;
      }
    }
    // Back substitution for the least-squares coefficients, then update x.
    for (let i = j - 1; i >= 0; i--) {
      let s = gVec[i]!;
      for (let l = i + 1; l < j; l++) s -= H[l * (k + 1) + i]! * y[l]!;
      y[i] = s / H[i * (k + 1) + i]!;
    }
    for (let i = 0; i < j; i++) {
      const vi = V[i]!;
      const yi = y[i]!;
      for (let t = 0; t < n; t++) x[t]! += yi * vi[t]!;
    }
    const prev = beta;
    beta = residual(apply, b, x, r);
    if (breakdown || (j === 0 && beta >= prev)) {
      const status = beta / bNorm <= tol ? 'converged' : 'breakdown';
      return { x, status, iterations, relativeResidual: beta / bNorm };
    }
  }
}

/**
 * LSQR for min |A x - b|_2 with A of size rows x cols given by `apply`
 * (A x) and `applyTranspose` (A' y). Starting from x = 0 it converges to the
 * minimum-norm least-squares solution.
 */
export function lsqr(
  apply: MatVec,
  applyTranspose: MatVec,
  b: ArrayLike<number>,
  cols: number,
  options: KrylovOptions = {},
): KrylovResult {
  const rows = b.length;
  const { tol, maxIters } = resolveKrylovOptions(cols, options);
  const x = new Float64Array(cols);
  const u = Float64Array.from(b);
  let beta = norm(u);
  if (beta === 0) return { x, status: 'converged', iterations: 0, relativeResidual: 0 };
  const bNorm = beta;
  for (let i = 0; i < rows; i++) u[i]! /= beta;
  const v = new Float64Array(cols);
  applyTranspose(u, v);
  let alpha = norm(v);
  if (alpha === 0) return { x, status: 'converged', iterations: 0, relativeResidual: 1 };
  for (let i = 0; i < cols; i++) v[i]! /= alpha;
  const w = Float64Array.from(v);
  const tmpU = new Float64Array(rows);
  const tmpV = new Float64Array(cols);
  let phiBar = beta;
  let rhoBar = alpha;
  let aNorm2 = 0;
  let status: KrylovResult['status'] = 'max_iters';
  let iterations = 0;
  for (; iterations < maxIters; ) {
    iterations++;
    apply(v, tmpU);
    for (let i = 0; i < rows; i++) u[i] = tmpU[i]! - alpha * u[i]!;
    beta = norm(u);
    if (beta > 0) for (let i = 0; i < rows; i++) u[i]! /= beta;
    aNorm2 += alpha * alpha + beta * beta;
    applyTranspose(u, tmpV);
    for (let i = 0; i < cols; i++) v[i] = tmpV[i]! - beta * v[i]!;
    alpha = norm(v);
    if (alpha > 0) for (let i = 0; i < cols; i++) v[i]! /= alpha;
    const rho = Math.hypot(rhoBar, beta);
    const c = rhoBar / rho;
    const s = beta / rho;
    const theta = s * alpha;
    rhoBar = -c * alpha;
    const phi = c * phiBar;
    phiBar = s * phiBar;
    for (let i = 0; i < cols; i++) {
      x[i]! += (phi / rho) * w[i]!;
      w[i] = v[i]! - (theta / rho) * w[i]!;
    }
    if (!Number.isFinite(phiBar)) {
      status = 'nonfinite';
      break;
    }
    // |r| = phiBar; |A' r| = phiBar * alpha * |c|.
    const rNorm = phiBar;
    const arNorm = phiBar * alpha * Math.abs(c);
    if (rNorm / bNorm <= tol || arNorm <= tol * Math.sqrt(aNorm2) * rNorm || alpha === 0 || beta === 0) {
      status = 'converged';
      break;
    }
  }
  const r = new Float64Array(rows);
  const rel = residual(apply, b, x, r) / bNorm;
  return { x, status, iterations, relativeResidual: rel };
}
