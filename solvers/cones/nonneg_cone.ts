/**
 * The nonnegative orthant R^k_+ (self-dual): Pi(v) = max(v, 0) elementwise,
 * DPi(v) = diag(1[v > 0]) (the derivative at v_i = 0 is taken as 0, one
 * element of the Clarke generalized Jacobian).
 */

/** Writes max(v_i, 0) for i in [offset, offset + size) into `out` at the same positions. */
export function projectNonneg(v: ArrayLike<number>, out: Float64Array, offset: number, size: number): void {
  for (let i = offset; i < offset + size; i++) out[i] = v[i]! > 0 ? v[i]! : 0;
}

/** Writes the diagonal of DPi_{R+}(v), 1[v_i > 0], into `diag` at the same positions. */
export function nonnegDerivativeDiagonal(v: ArrayLike<number>, diag: Float64Array, offset: number, size: number): void {
  for (let i = offset; i < offset + size; i++) diag[i] = v[i]! > 0 ? 1 : 0;
}
