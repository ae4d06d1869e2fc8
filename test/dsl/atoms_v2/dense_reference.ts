/** Small dense float64 references for the atom tests (independent of the DSL). */

/** Solves A x = b (n x n, row-major rows) by Gaussian elimination with partial pivoting. */
export function solveDense(A: readonly (readonly number[])[], b: readonly number[]): number[] {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]!]);
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(M[i]![k]!) > Math.abs(M[p]![k]!)) p = i;
    [M[k], M[p]] = [M[p]!, M[k]!];
    for (let i = k + 1; i < n; i++) {
      const f = M[i]![k]! / M[k]![k]!;
      for (let j = k; j <= n; j++) M[i]![j]! -= f * M[k]![j]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = M[i]![n]!;
    for (let j = i + 1; j < n; j++) s -= M[i]![j]! * x[j]!;
    x[i] = s / M[i]![i]!;
  }
  return x;
}

/** Least squares min |D x - y|^2 + lambda |x|^2 through the normal equations (D given by rows). */
export function ridge(D: readonly (readonly number[])[], y: readonly number[], lambda: number): number[] {
  const n = D[0]!.length;
  const G = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => D.reduce((s, r) => s + r[i]! * r[j]!, 0) + (i === j ? lambda : 0)));
  const rhs = Array.from({ length: n }, (_, i) => D.reduce((s, r, k) => s + r[i]! * y[k]!, 0));
  return solveDense(G, rhs);
}

/** Full convolution by its definition. */
export function convolveReference(a: readonly number[], b: readonly number[]): number[] {
  const out = new Array<number>(a.length + b.length - 1).fill(0);
  a.forEach((ai, i) => b.forEach((bj, j) => (out[i + j]! += ai * bj)));
  return out;
}

/** Root of an increasing function on [lo, hi] by bisection. */
export function bisect(f: (x: number) => number, lo: number, hi: number): number {
  for (let k = 0; k < 200; k++) {
    const mid = (lo + hi) / 2;
    if (f(mid) > 0) hi = mid;
    else lo = mid;
  }
  return (lo + hi) / 2;
}
