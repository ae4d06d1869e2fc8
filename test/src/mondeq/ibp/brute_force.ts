/**
 * Independent float64 references for the IBP-MonDEQ tests: no splitting, no
 * tfjs. The equilibrium of v = relu(W v + s) is found by enumerating the
 * active set (every subset P: solve (I - W_PP) v_P = s_P, v = 0 elsewhere,
 * and keep the one that is consistent), which is exact for small sizes.
 */

/** Solves A x = b (row-major n x n) by Gaussian elimination with partial pivoting; undefined if singular. */
export function solveDense(A: Float64Array, b: Float64Array, n: number): Float64Array | undefined {
  const a = Float64Array.from(A);
  const x = Float64Array.from(b);
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(a[i * n + k]!) > Math.abs(a[p * n + k]!)) p = i;
    if (Math.abs(a[p * n + k]!) < 1e-14) return undefined;
    if (p !== k) {
      for (let j = 0; j < n; j++) [a[k * n + j], a[p * n + j]] = [a[p * n + j]!, a[k * n + j]!];
      [x[k], x[p]] = [x[p]!, x[k]!];
    }
    for (let i = k + 1; i < n; i++) {
      const f = a[i * n + k]! / a[k * n + k]!;
      for (let j = k; j < n; j++) a[i * n + j]! -= f * a[k * n + j]!;
      x[i]! -= f * x[k]!;
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    let acc = x[i]!;
    for (let j = i + 1; j < n; j++) acc -= a[i * n + j]! * x[j]!;
    x[i] = acc / a[i * n + i]!;
  }
  return x;
}

/** The equilibrium v = relu(W v + s) by active-set enumeration (W row-major N x N, column convention). */
export function bruteForceEquilibrium(W: Float64Array, s: Float64Array, N: number): Float64Array {
  for (let mask = 0; mask < 1 << N; mask++) {
    const P: number[] = [];
    for (let i = 0; i < N; i++) if (mask & (1 << i)) P.push(i);
    const k = P.length;
    const v = new Float64Array(N);
    if (k > 0) {
      const A = new Float64Array(k * k);
      const rhs = new Float64Array(k);
      for (let a = 0; a < k; a++) {
        rhs[a] = s[P[a]!]!;
        for (let c = 0; c < k; c++) A[a * k + c] = (a === c ? 1 : 0) - W[P[a]! * N + P[c]!]!;
      }
      const sol = solveDense(A, rhs, k);
      if (sol === undefined) continue;
      for (let a = 0; a < k; a++) v[P[a]!] = sol[a]!;
    }
    let ok = true;
    for (let i = 0; i < N && ok; i++) {
      let pre = s[i]!;
      for (let j = 0; j < N; j++) pre += W[i * N + j]! * v[j]!;
      const tol = 1e-10 * (1 + Math.abs(pre));
      if (mask & (1 << i)) ok = v[i]! >= -tol;
      else ok = pre <= tol;
    }
    if (ok) return v;
  }
  throw new Error('bruteForceEquilibrium: no consistent active set (the system has no solution?)');
}

/** The interval operator [[W+, W-], [W-, W+]] (2n x 2n) in float64, written out from its definition. */
export function intervalMatrix64(W: Float64Array, n: number): Float64Array {
  const N = 2 * n;
  const out = new Float64Array(N * N);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const w = W[i * n + j]!;
      const plus = Math.max(w, 0);
      const minus = Math.min(w, 0);
      out[i * N + j] = plus;
      out[i * N + n + j] = minus;
      out[(n + i) * N + j] = minus;
      out[(n + i) * N + n + j] = plus;
    }
  }
  return out;
}

/** W = D^{-1/2} M D^{-1/2} computed directly from the definition (row and column absolute sums). */
export function referenceW(M: Float64Array, n: number, m: number): Float64Array {
  const rows = new Float64Array(n);
  const cols = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    rows[i]! += Math.abs(M[i * n + j]!);
    cols[j]! += Math.abs(M[i * n + j]!);
  }
  const W = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    const di = (rows[i]! + cols[i]!) / (2 * (1 - m)) + 1e-8;
    const dj = (rows[j]! + cols[j]!) / (2 * (1 - m)) + 1e-8;
    W[i * n + j] = M[i * n + j]! / Math.sqrt(di * dj);
  }
  return W;
}

/** Eigenvalues of a symmetric matrix by cyclic Jacobi rotations (small n only). */
export function symmetricEigenvalues(S: Float64Array, n: number): Float64Array {
  const a = Float64Array.from(S);
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q]! ** 2;
    if (off < 1e-26) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * n + q]! - a[p * n + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p]!;
          const akq = a[k * n + q]!;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k]!;
          const aqk = a[q * n + k]!;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
      }
    }
  }
  return Float64Array.from({ length: n }, (_, i) => a[i * n + i]!);
}

/** Cholesky factor L (lower, row-major) of a symmetric positive definite matrix. */
export function cholesky(S: Float64Array, n: number): Float64Array {
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let acc = S[i * n + j]!;
      for (let k = 0; k < j; k++) acc -= L[i * n + k]! * L[j * n + k]!;
      if (i === j) {
        if (!(acc > 0)) throw new Error('cholesky: matrix not positive definite');
        L[i * n + i] = Math.sqrt(acc);
      } else L[i * n + j] = acc / L[j * n + j]!;
    }
  }
  return L;
}
