/**
 * Seeded generators of cone programs with a known primal-dual solution, for
 * the derivative tests and the benchmark. Construction (valid for any cone):
 * pick s in K and y in K* with s'y = 0 (strictly complementary per block),
 * x and A at random, then b = A x + s and c = -A'y, so (x, y, s) satisfies
 * the KKT conditions of  min c'x s.t. Ax + s = b, s in K.
 */
import type { ConeDims, ConeProgram } from '../../../solvers/cone_program.js';
import { coneRows, NO_CONES } from '../../../solvers/cone_program.js';
import { cscFromDense } from '../../../solvers/sparse/csc.js';

/** Park-Miller generator with a Box-Muller normal; deterministic per seed. */
export class SeededRandom {
  private state: number;
  constructor(seed: number) {
    this.state = (Math.floor(seed) % 2147483646) + 1;
  }
  uniform(): number {
    this.state = (this.state * 16807) % 2147483647;
    return this.state / 2147483647;
  }
  normal(): number {
    return Math.sqrt(-2 * Math.log(this.uniform())) * Math.cos(2 * Math.PI * this.uniform());
  }
  normals(k: number, scale = 1): Float64Array {
    return Float64Array.from({ length: k }, () => scale * this.normal());
  }
}

/** A program with the primal-dual point it was built around. */
export interface KnownProgram {
  readonly program: ConeProgram;
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly s: Float64Array;
}

/** SOC block k: 0 = both on the boundary, 1 = s interior (y = 0), 2 = y interior (s = 0). */
function socMode(q: number, k: number): number {
  return q === 1 ? 1 + (k % 2) : k % 3;
}

/**
 * Number of active constraint dimensions of the non-orthant blocks (zero rows,
 * boundary pairs, SOC blocks with s = 0); the orthant gets n minus this many
 * active rows so that the total equals n, which makes a random instance
 * primal and dual nondegenerate with a unique solution.
 */
function activeNonneg(dims: ConeDims, n: number): number {
  let active = dims.zero + dims.exp + dims.power.length;
  dims.soc.forEach((q, k) => {
    const mode = socMode(q, k);
    active += mode === 0 ? 1 : mode === 2 ? q : 0;
  });
  const need = n - active;
  if (need < 0 || need > dims.nonneg) {
    throw new Error(`cannot build a nondegenerate instance: need ${need} active orthant rows out of ${dims.nonneg}`);
  }
  return need;
}

/** Fills s (in K) and y (in K*) block by block, strictly complementary. */
function complementaryPair(dims: ConeDims, n: number, rng: SeededRandom): { s: Float64Array; y: Float64Array } {
  const m = coneRows(dims);
  const s = new Float64Array(m);
  const y = new Float64Array(m);
  const active = activeNonneg(dims, n);
  let o = 0;
  for (let i = 0; i < dims.zero; i++, o++) y[o] = rng.normal();
  for (let i = 0; i < dims.nonneg; i++, o++) {
    if (i < active) y[o] = 0.5 + rng.uniform();
    else s[o] = 0.5 + rng.uniform();
  }
  dims.soc.forEach((q, k) => {
    const u = rng.normals(q - 1);
    const nu = Math.hypot(...u) || 1;
    const mode = socMode(q, k);
    if (mode === 0) {
      // both on the boundary: s = a (|u|, u), y = b (|u|, -u)
      const a = 0.5 + rng.uniform();
      const bb = 0.5 + rng.uniform();
      s[o] = a * nu;
      y[o] = bb * nu;
      for (let i = 1; i < q; i++) {
        s[o + i] = a * u[i - 1]!;
        y[o + i] = -bb * u[i - 1]!;
      }
    } else {
      const target = mode === 1 ? s : y; // interior of one, zero in the other
      target[o] = 2 * nu + 0.5;
      for (let i = 1; i < q; i++) target[o + i] = u[i - 1]!;
    }
    o += q;
  });
  for (let k = 0; k < dims.exp; k++, o += 3) {
    // s = t (rho, 1, e^rho) on the boundary of K_exp, y = lam (-1, rho - 1, e^-rho) in K_exp*.
    const rho = rng.normal();
    const t = 0.5 + rng.uniform();
    const lam = 0.5 + rng.uniform();
    s.set([t * rho, t, t * Math.exp(rho)], o);
    y.set([-lam, lam * (rho - 1), lam * Math.exp(-rho)], o);
  }
  dims.power.forEach((alpha) => {
    const a = Math.abs(alpha);
    const px = 0.5 + rng.uniform();
    const py = 0.5 + rng.uniform();
    const r = Math.pow(px, a) * Math.pow(py, 1 - a);
    const sign = rng.uniform() < 0.5 ? -1 : 1;
    const lam = 0.5 + rng.uniform();
    // p on the boundary of K_a, q = lam (a r/px, (1-a) r/py, -sign) on the boundary of K_a*.
    const p = [px, py, sign * r];
    const q = [(lam * a * r) / px, (lam * (1 - a) * r) / py, -sign * lam];
    // For alpha < 0 the cone is K_a* and its dual K_a: swap roles.
    s.set(alpha > 0 ? p : q, o);
    y.set(alpha > 0 ? q : p, o);
    o += 3;
  });
  return { s, y };
}

/**
 * A random program over `dims` with n variables and a known, unique,
 * nondegenerate solution (throws if `dims` cannot give exactly n active
 * constraint dimensions).
 */
export function knownProgram(dims: ConeDims, n: number, seed: number): KnownProgram {
  const rng = new SeededRandom(seed);
  const m = coneRows(dims);
  const dense = rng.normals(m * n);
  const A = cscFromDense(m, n, dense);
  const x = rng.normals(n);
  const { s, y } = complementaryPair(dims, n, rng);
  const b = new Float64Array(m);
  const c = new Float64Array(n);
  for (let i = 0; i < m; i++) {
    let acc = s[i]!;
    for (let j = 0; j < n; j++) acc += dense[i * n + j]! * x[j]!;
    b[i] = acc;
  }
  for (let j = 0; j < n; j++) {
    let acc = 0;
    for (let i = 0; i < m; i++) acc -= dense[i * n + j]! * y[i]!;
    c[j] = acc;
  }
  return { program: { A, b, c, cones: dims }, x, y, s };
}

/**
 * Least squares in SOC form: minimize |F w - g|_2 over w in R^k as
 * minimize t s.t. (t, F w - g) in Q^(p+1); variables (w, t), n = k + 1.
 */
export function leastSquaresSoc(k: number, p: number, seed: number): ConeProgram {
  const rng = new SeededRandom(seed);
  const n = k + 1;
  const m = p + 1;
  const dense = new Float64Array(m * n);
  dense[k] = -1; // s_0 = t
  const b = new Float64Array(m);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < k; j++) dense[(i + 1) * n + j] = -rng.normal(); // s_i = (F w)_i - g_i
    b[i + 1] = -rng.normal();
  }
  const c = new Float64Array(n);
  c[k] = 1;
  return { A: cscFromDense(m, n, dense), b, c, cones: { ...NO_CONES, soc: [m] } };
}

/**
 * Entropy maximization over the simplex in exp-cone form:
 * maximize sum_i entr(w_i) + d'w s.t. sum w = 1, whose solution is
 * w = softmax(d). Variables (w, u) with (u_i, w_i, 1) in K_exp (u_i <= -w_i log w_i).
 */
export function entropyProgram(k: number, seed: number): { program: ConeProgram; softmax: Float64Array } {
  const rng = new SeededRandom(seed);
  const d = rng.normals(k, 0.7);
  const n = 2 * k;
  const m = 1 + 3 * k;
  const dense = new Float64Array(m * n);
  const b = new Float64Array(m);
  for (let j = 0; j < k; j++) dense[j] = 1;
  b[0] = 1;
  for (let i = 0; i < k; i++) {
    const r = 1 + 3 * i;
    dense[r * n + k + i] = -1; // s = u_i
    dense[(r + 1) * n + i] = -1; // s = w_i
    b[r + 2] = 1; // s = 1
  }
  const c = new Float64Array(n);
  for (let j = 0; j < k; j++) {
    c[j] = -d[j]!;
    c[k + j] = -1;
  }
  const mx = Math.max(...d);
  const e = d.map((v) => Math.exp(v - mx));
  const z = e.reduce((p, q) => p + q, 0);
  return { program: { A: cscFromDense(m, n, dense), b, c, cones: { ...NO_CONES, zero: 1, exp: k } }, softmax: e.map((v) => v / z) };
}
