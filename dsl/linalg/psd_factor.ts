/** Outcome of a pivoted Cholesky factorization of a symmetric matrix. */
export interface PsdFactor {
  /** 'psd' when P = L L' up to the tolerance; 'indefinite' when a negative pivot or an unexplained remainder shows P is not PSD. */
  readonly status: 'psd' | 'indefinite';
  /** n x rank factor, row-major (present when psd). */
  readonly L: Float64Array;
  readonly rank: number;
}

/**
 * Pivoted (diagonal-pivoting) Cholesky of a symmetric n x n row-major matrix:
 * P = L L' with L of minimal rank, stopping when the largest remaining
 * diagonal falls below tol * max(diag(P), 1e-300). The remainder must then be
 * negligible everywhere, otherwise P is indefinite (Higham, "Accuracy and
 * Stability of Numerical Algorithms", section 10.3). Works for singular PSD
 * matrices, which plain Cholesky rejects.
 */
export function pivotedCholesky(P: ArrayLike<number>, n: number, tol = 1e-10): PsdFactor {
  const S = Float64Array.from(P);
  // Symmetrize: x'Px only depends on (P + P') / 2.
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = 0.5 * (S[i * n + j]! + S[j * n + i]!);
      S[i * n + j] = v;
      S[j * n + i] = v;
    }
  }
  let scale = 1e-300;
  for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(S[i * n + i]!));
  for (let i = 0; i < n * n; i++) scale = Math.max(scale, Math.abs(S[i]!));
  const cols: Float64Array[] = [];
  const done = new Uint8Array(n);
  for (;;) {
    let piv = -1;
    let best = tol * scale;
    for (let i = 0; i < n; i++) {
      if (!done[i] && S[i * n + i]! > best) {
        best = S[i * n + i]!;
        piv = i;
      }
    }
    if (piv < 0) break;
    const d = Math.sqrt(S[piv * n + piv]!);
    const col = new Float64Array(n);
    for (let i = 0; i < n; i++) if (!done[i]) col[i] = S[i * n + piv]! / d;
    done[piv] = 1;
    for (let i = 0; i < n; i++) {
      if (done[i]) continue;
      for (let j = 0; j < n; j++) if (!done[j]) S[i * n + j]! -= col[i]! * col[j]!;
    }
    cols.push(col);
  }
  // What is left must vanish for a PSD matrix.
  for (let i = 0; i < n; i++) {
    if (done[i]) continue;
    for (let j = 0; j < n; j++) {
      if (!done[j] && Math.abs(S[i * n + j]!) > Math.sqrt(tol) * scale) return { status: 'indefinite', L: new Float64Array(0), rank: 0 };
    }
  }
  const r = cols.length;
  const L = new Float64Array(n * r);
  cols.forEach((c, k) => c.forEach((v, i) => (L[i * r + k] = v)));
  return { status: 'psd', L, rank: r };
}
