/**
 * Independent float64 reference algorithms for the DSL's known-answer tests.
 * Nothing here touches the DSL or a cone solver: each answer comes from a
 * closed form, a direct linear solve, or a classical finite algorithm
 * (sort-based simplex projection, water-filling), so a wrong canonicalization
 * cannot hide behind a shared bug.
 */

/** Dense row-major matrix as nested arrays. */
export type Matrix = number[][];

export function dot(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) throw new Error(`dot: lengths ${a.length} and ${b.length} differ`);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

export function transpose(a: Matrix): Matrix {
  const rows = a.length;
  const cols = rows === 0 ? 0 : a[0]!.length;
  return Array.from({ length: cols }, (_, j) => Array.from({ length: rows }, (_, i) => a[i]![j]!));
}

/** A x. */
export function matVec(a: Matrix, x: readonly number[]): number[] {
  return a.map((row) => dot(row, x));
}

/** A B. */
export function matMul(a: Matrix, b: Matrix): Matrix {
  const bt = transpose(b);
  return a.map((row) => bt.map((col) => dot(row, col)));
}

export function identity(n: number): Matrix {
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
}

/** a + b entrywise (matrices). */
export function addMatrices(a: Matrix, b: Matrix, scaleB = 1): Matrix {
  return a.map((row, i) => row.map((v, j) => v + scaleB * b[i]![j]!));
}

export function sub(a: readonly number[], b: readonly number[]): number[] {
  return a.map((v, i) => v - b[i]!);
}

export function scale(a: readonly number[], s: number): number[] {
  return a.map((v) => s * v);
}

export function norm1(a: readonly number[]): number {
  return a.reduce((s, v) => s + Math.abs(v), 0);
}

export function norm2(a: readonly number[]): number {
  return Math.sqrt(dot(a, a));
}

export function normInf(a: readonly number[]): number {
  return a.reduce((s, v) => Math.max(s, Math.abs(v)), 0);
}

export function sumOf(a: readonly number[]): number {
  return a.reduce((s, v) => s + v, 0);
}

/**
 * Solves A x = b by Gaussian elimination with partial pivoting (float64).
 * Throws when a pivot is below 1e-13 times the largest entry (numerically singular).
 */
export function solveLinearSystem(a: Matrix, b: readonly number[]): number[] {
  const n = a.length;
  if (b.length !== n || a.some((row) => row.length !== n)) throw new Error(`solveLinearSystem: expected ${n} x ${n} and ${n}`);
  const m = a.map((row, i) => [...row, b[i]!]);
  const big = Math.max(1, ...a.flat().map(Math.abs));
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(m[i]![k]!) > Math.abs(m[p]![k]!)) p = i;
    if (Math.abs(m[p]![k]!) < 1e-13 * big) throw new Error(`solveLinearSystem: singular at column ${k}`);
    [m[k], m[p]] = [m[p]!, m[k]!];
    const pivotRow = m[k]!;
    for (let i = k + 1; i < n; i++) {
      const row = m[i]!;
      const f = row[k]! / pivotRow[k]!;
      if (f === 0) continue;
      for (let j = k; j <= n; j++) row[j] = row[j]! - f * pivotRow[j]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    const row = m[i]!;
    let s = row[n]!;
    for (let j = i + 1; j < n; j++) s -= row[j]! * x[j]!;
    x[i] = s / row[i]!;
  }
  return x;
}

/** Lower-triangular L with A = L L' (A symmetric positive definite); throws otherwise. */
export function cholesky(a: Matrix): Matrix {
  const n = a.length;
  const l: Matrix = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let j = 0; j < n; j++) {
    let d = a[j]![j]!;
    for (let k = 0; k < j; k++) d -= l[j]![k]! ** 2;
    if (!(d > 0)) throw new Error(`cholesky: matrix is not positive definite (pivot ${j} = ${d})`);
    const ljj = Math.sqrt(d);
    l[j]![j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = a[i]![j]!;
      for (let k = 0; k < j; k++) s -= l[i]![k]! * l[j]![k]!;
      l[i]![j] = s / ljj;
    }
  }
  return l;
}

/** Solves A x = b for symmetric positive definite A through A = L L'. */
export function choleskySolve(a: Matrix, b: readonly number[]): number[] {
  const l = cholesky(a);
  const n = a.length;
  const y = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[i]![k]! * y[k]!;
    y[i] = s / l[i]![i]!;
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < n; k++) s -= l[k]![i]! * x[k]!;
    x[i] = s / l[i]![i]!;
  }
  return x;
}

/** argmin |A x - b|^2 from the normal equations A'A x = A'b (A full column rank). */
export function leastSquares(a: Matrix, b: readonly number[]): number[] {
  const at = transpose(a);
  return choleskySolve(matMul(at, a), matVec(at, b));
}

/**
 * Equality-constrained least squares  min |A x - b|^2  s.t.  C x = d  through
 * its KKT system [[2A'A, C'], [C, 0]] [x; nu] = [2A'b; d]. `nu` is the
 * multiplier of the Lagrangian |Ax - b|^2 + nu'(Cx - d).
 */
export function constrainedLeastSquares(a: Matrix, b: readonly number[], c: Matrix, d: readonly number[]): { x: number[]; nu: number[] } {
  const n = a[0]!.length;
  const p = c.length;
  const ata = matMul(transpose(a), a);
  const kkt: Matrix = [];
  for (let i = 0; i < n; i++) kkt.push([...ata[i]!.map((v) => 2 * v), ...c.map((row) => row[i]!)]);
  for (let i = 0; i < p; i++) kkt.push([...c[i]!, ...new Array<number>(p).fill(0)]);
  const rhs = [...matVec(transpose(a), b).map((v) => 2 * v), ...d];
  const sol = solveLinearSystem(kkt, rhs);
  return { x: sol.slice(0, n), nu: sol.slice(n) };
}

/**
 * Euclidean projection onto the scaled simplex {x >= 0, sum x = radius} by the
 * sort-based algorithm (Held, Wolfe & Crowder 1974; Duchi et al. 2008):
 * theta = (sum of the rho largest - radius) / rho, x = max(y - theta, 0).
 */
export function projectSimplex(y: readonly number[], radius = 1): number[] {
  const u = [...y].sort((p, q) => q - p);
  let cumulative = 0;
  let theta = 0;
  for (let j = 0; j < u.length; j++) {
    cumulative += u[j]!;
    const candidate = (cumulative - radius) / (j + 1);
    if (u[j]! - candidate > 0) theta = candidate;
  }
  return y.map((v) => Math.max(v - theta, 0));
}

/** Projection onto {|x|_1 <= radius}: y itself inside, else sign(y) * simplex projection of |y|. */
export function projectL1Ball(y: readonly number[], radius: number): number[] {
  if (norm1(y) <= radius) return [...y];
  const w = projectSimplex(y.map(Math.abs), radius);
  return y.map((v, i) => Math.sign(v) * w[i]!);
}

/** Projection onto {|x|_2 <= radius}: y * min(1, radius / |y|). */
export function projectL2Ball(y: readonly number[], radius: number): number[] {
  const n = norm2(y);
  return n <= radius ? [...y] : scale(y, radius / n);
}

/** Projection onto the box [lo, hi]: entrywise clipping. */
export function projectBox(y: readonly number[], lo: readonly number[], hi: readonly number[]): number[] {
  return y.map((v, i) => Math.min(hi[i]!, Math.max(lo[i]!, v)));
}

/** log sum exp(x), computed stably by shifting by max(x). */
export function logSumExp(x: readonly number[]): number {
  const m = Math.max(...x);
  return m + Math.log(x.reduce((s, v) => s + Math.exp(v - m), 0));
}

/** softmax(x)_i = exp(x_i - logSumExp(x)). */
export function softmax(x: readonly number[]): number[] {
  const l = logSumExp(x);
  return x.map((v) => Math.exp(v - l));
}

/** Shannon entropy -sum p log p (0 log 0 = 0). */
export function entropy(p: readonly number[]): number {
  return -p.reduce((s, v) => s + (v > 0 ? v * Math.log(v) : 0), 0);
}

/** Sum of the k largest entries of x. */
export function sumLargest(x: readonly number[], k: number): number {
  return [...x].sort((p, q) => q - p).slice(0, k).reduce((s, v) => s + v, 0);
}

/** Soft thresholding sign(y) max(|y| - lambda, 0): the prox of lambda |.|_1. */
export function softThreshold(y: readonly number[], lambda: number): number[] {
  return y.map((v) => Math.sign(v) * Math.max(Math.abs(v) - lambda, 0));
}

/**
 * Water-filling (Boyd & Vandenberghe, Example 5.2): the maximizer of
 * sum log(alpha_i + x_i) s.t. x >= 0, sum x = total is x_i = max(0, level - alpha_i),
 * with the level fixed by sum x = total (found exactly by sorting alpha).
 */
export function waterFilling(alpha: readonly number[], total: number): number[] {
  const sorted = [...alpha].sort((p, q) => p - q);
  let cumulative = 0;
  let level = Number.NaN;
  for (let k = 0; k < sorted.length; k++) {
    cumulative += sorted[k]!;
    const candidate = (total + cumulative) / (k + 1);
    const next = k + 1 < sorted.length ? sorted[k + 1]! : Number.POSITIVE_INFINITY;
    if (candidate > sorted[k]! && candidate <= next) {
      level = candidate;
      break;
    }
  }
  return alpha.map((a) => Math.max(0, level - a));
}

/** Median of an odd-length sample. */
export function median(x: readonly number[]): number {
  if (x.length % 2 !== 1) throw new Error('median: expected an odd number of samples');
  return [...x].sort((p, q) => p - q)[(x.length - 1) / 2]!;
}

/**
 * Incenter and inradius of a triangle (the Chebyshev center of the triangle):
 * center = (a P + b Q + c R) / (a + b + c) with a, b, c the side lengths
 * opposite P, Q, R; radius = area / semiperimeter.
 */
export function incircle(p: readonly number[], q: readonly number[], r: readonly number[]): { center: number[]; radius: number } {
  const a = norm2(sub(q, r));
  const b = norm2(sub(p, r));
  const c = norm2(sub(p, q));
  const perimeter = a + b + c;
  const center = [0, 1].map((i) => (a * p[i]! + b * q[i]! + c * r[i]!) / perimeter);
  const area = Math.abs((q[0]! - p[0]!) * (r[1]! - p[1]!) - (r[0]! - p[0]!) * (q[1]! - p[1]!)) / 2;
  return { center, radius: area / (perimeter / 2) };
}
