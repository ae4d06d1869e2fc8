/**
 * Small dense symmetric linear algebra for the ADP examples (row-major
 * float64): the cyclic Jacobi eigenvalue method and the symmetric square
 * root it gives. Sizes here are 2-3, where Jacobi converges in a handful of
 * sweeps to full precision.
 */
import { OptlayersError } from 'optlayers/solvers';

/** Eigen-decomposition M = V diag(values) V' of a symmetric n x n matrix; V's columns are the eigenvectors. */
export function symmetricEigen(m: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(m);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  let scale = 0;
  for (const x of a) scale = Math.max(scale, Math.abs(x));
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off = Math.max(off, Math.abs(a[p * n + q]!));
    if (off <= 1e-15 * Math.max(scale, Number.MIN_VALUE)) {
      return { values: Float64Array.from({ length: n }, (_, i) => a[i * n + i]!), vectors: v };
    }
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) {
      const apq = a[p * n + q]!;
      if (apq === 0) continue;
      // Rotation angle that zeroes a_pq (Golub & Van Loan, algorithm 8.4.1).
      const tau = (a[q * n + q]! - a[p * n + p]!) / (2 * apq);
      const t = Math.sign(tau || 1) / (Math.abs(tau) + Math.sqrt(1 + tau * tau));
      const c = 1 / Math.sqrt(1 + t * t);
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
      for (let k = 0; k < n; k++) {
        const vkp = v[k * n + p]!;
        const vkq = v[k * n + q]!;
        v[k * n + p] = c * vkp - s * vkq;
        v[k * n + q] = s * vkp + c * vkq;
      }
    }
  }
  throw new OptlayersError('symmetricEigen: the Jacobi iteration did not converge in 100 sweeps (is the matrix finite and symmetric?)');
}

/** The symmetric positive semidefinite square root of a symmetric PSD matrix (scipy's sqrtm on such input). */
export function symmetricSqrt(m: Float64Array, n: number): Float64Array {
  const { values, vectors } = symmetricEigen(m, n);
  const out = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    if (values[k]! < -1e-12 * Math.max(1, Math.abs(values[k]!))) throw new OptlayersError(`symmetricSqrt: the matrix has a negative eigenvalue ${values[k]}`);
    const r = Math.sqrt(Math.max(0, values[k]!));
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i * n + j] += vectors[i * n + k]! * r * vectors[j * n + k]!;
  }
  return out;
}
