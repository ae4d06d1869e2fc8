/**
 * Small dense helpers for the 3 x 3 Jacobians of the exponential and power
 * cone projections. A 3 x 3 matrix is a row-major Float64Array of length 9.
 */

/** The 3 x 3 identity. */
export function identity3(): Float64Array {
  return Float64Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]);
}

/** The 3 x 3 zero matrix. */
export function zero3(): Float64Array {
  return new Float64Array(9);
}

/** I - J, the Jacobian of the Moreau complement v -> v - Pi(v). */
export function complement3(j: Float64Array): Float64Array {
  const out = new Float64Array(9);
  for (let k = 0; k < 9; k++) out[k] = (k % 4 === 0 ? 1 : 0) - j[k]!;
  return out;
}

/**
 * The Jacobian of the projection onto a smooth piece of a cone boundary
 * {phi = 0}, from the implicit function theorem on the optimality conditions
 *   p + lambda grad phi(p) = v,  phi(p) = 0,
 * i.e. [[I + lambda H, a], [a', 0]] [dp; dlambda] = [dv; 0] with a = grad phi(p)
 * and H = hess phi(p). Eliminating dlambda restricts the system to the tangent
 * plane T = a^perp: dp = (P_T (I + lambda H) P_T)^+ dv. For the exponential and
 * power cones lambda H is rank one, kappa w w', so with f = P_T w,
 *   J = P_T - kappa / (1 + kappa |f|^2) f f'      (Sherman-Morrison on T).
 * Working on T directly avoids the cancellation of the full-space formula
 * when w is nearly parallel to a (points near the edges of the cones).
 *
 * `normal` is any nonzero multiple of a; `curvature` is any vector whose
 * tangent part is a multiple of P_T w, and `kappa` the matching coefficient
 * (so that lambda P_T H P_T = kappa f f' for f = P_T curvature). Infinite
 * kappa is allowed (the limit J = P_T - f f' / |f|^2).
 */
export function tangentJacobian3(normal: readonly number[], curvature: readonly number[], kappa: number): Float64Array {
  const na = Math.hypot(normal[0]!, normal[1]!, normal[2]!);
  const a = [normal[0]! / na, normal[1]! / na, normal[2]! / na];
  const scale = Math.max(Math.abs(curvature[0]!), Math.abs(curvature[1]!), Math.abs(curvature[2]!));
  const out = new Float64Array(9);
  for (let i = 0; i < 3; i++) for (let k = 0; k < 3; k++) out[3 * i + k] = (i === k ? 1 : 0) - a[i]! * a[k]!;
  if (!(scale > 0) || !(kappa > 0)) return out;
  const w = [curvature[0]! / scale, curvature[1]! / scale, curvature[2]! / scale];
  const wa = w[0]! * a[0]! + w[1]! * a[1]! + w[2]! * a[2]!;
  const f = [w[0]! - wa * a[0]!, w[1]! - wa * a[1]!, w[2]! - wa * a[2]!];
  const nf2 = f[0]! * f[0]! + f[1]! * f[1]! + f[2]! * f[2]!;
  if (!(nf2 > 0)) return out;
  // kappa |f|^2 / (1 + kappa |f|^2) in the original scale, divided by |f_scaled|^2.
  const kf2 = kappa * scale * scale * nf2;
  const c = 1 / (1 / kf2 + 1) / nf2;
  for (let i = 0; i < 3; i++) for (let k = 0; k < 3; k++) out[3 * i + k] -= c * f[i]! * f[k]!;
  return out;
}

/** out[offset..offset+3) = J dv[offset..offset+3), or J' dv when `transpose`. */
export function apply3(j: Float64Array, dv: ArrayLike<number>, out: Float64Array, offset: number, transpose = false): void {
  const d0 = dv[offset]!;
  const d1 = dv[offset + 1]!;
  const d2 = dv[offset + 2]!;
  if (transpose) {
    out[offset] = j[0]! * d0 + j[3]! * d1 + j[6]! * d2;
    out[offset + 1] = j[1]! * d0 + j[4]! * d1 + j[7]! * d2;
    out[offset + 2] = j[2]! * d0 + j[5]! * d1 + j[8]! * d2;
  } else {
    out[offset] = j[0]! * d0 + j[1]! * d1 + j[2]! * d2;
    out[offset + 1] = j[3]! * d0 + j[4]! * d1 + j[5]! * d2;
    out[offset + 2] = j[6]! * d0 + j[7]! * d1 + j[8]! * d2;
  }
}
