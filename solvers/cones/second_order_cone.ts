/**
 * The second-order (Lorentz) cone Q^q = {(t, x) in R x R^(q-1) : |x|_2 <= t},
 * self-dual. Closed-form projection and derivative (Parikh & Boyd,
 * "Proximal algorithms", sec. 6.3.2; Ali, Wong & Kolter 2017 for DPi):
 *
 *   |x| <= t:   Pi = v,                           DPi = I
 *   |x| <= -t:  Pi = 0,                           DPi = 0
 *   otherwise:  Pi = (|x| + t)/2 * (1, x/|x|),
 *               DPi = [[1/2, xh'/2], [xh/2, (|x| + t)/(2|x|) I - t/(2|x|) xh xh']],  xh = x/|x|.
 *
 * DPi is symmetric, so its transpose is itself.
 */

/** Which branch of the projection formula a point falls in. */
export type SocRegion = 'inside' | 'polar' | 'boundary';

/** What the derivative needs to remember about one SOC block. */
export interface SocJacobian {
  readonly offset: number;
  readonly size: number;
  readonly region: SocRegion;
  /** Coefficient of I on the x block: (|x| + t) / (2|x|) (boundary region only). */
  readonly diagX: number;
  /** Coefficient of -xh xh' on the x block: t / (2|x|) (boundary region only). */
  readonly rankOneX: number;
  /** Unit vector x/|x| (boundary region only; empty otherwise). */
  readonly xhat: Float64Array;
}

function tailNorm(v: ArrayLike<number>, offset: number, size: number): number {
  // Scaled 2-norm, safe from overflow/underflow.
  let scale = 0;
  for (let i = offset + 1; i < offset + size; i++) scale = Math.max(scale, Math.abs(v[i]!));
  if (scale === 0) return 0;
  let sum = 0;
  for (let i = offset + 1; i < offset + size; i++) {
    const r = v[i]! / scale;
    sum += r * r;
  }
  return scale * Math.sqrt(sum);
}

/** Projects v[offset .. offset+size) onto Q^size, writing the result to `out` at the same positions. */
export function projectSoc(v: ArrayLike<number>, out: Float64Array, offset: number, size: number): void {
  const t = v[offset]!;
  const nx = tailNorm(v, offset, size);
  if (nx <= t) {
    for (let i = offset; i < offset + size; i++) out[i] = v[i]!;
  } else if (nx <= -t) {
    for (let i = offset; i < offset + size; i++) out[i] = 0;
  } else {
    const half = (nx + t) / 2;
    out[offset] = half;
    for (let i = offset + 1; i < offset + size; i++) out[i] = (half * v[i]!) / nx;
  }
}

/** The derivative of the SOC projection at v[offset .. offset+size). */
export function socJacobian(v: ArrayLike<number>, offset: number, size: number): SocJacobian {
  const t = v[offset]!;
  const nx = tailNorm(v, offset, size);
  if (nx <= t) return { offset, size, region: 'inside', diagX: 1, rankOneX: 0, xhat: new Float64Array(0) };
  if (nx <= -t) return { offset, size, region: 'polar', diagX: 0, rankOneX: 0, xhat: new Float64Array(0) };
  const xhat = new Float64Array(size - 1);
  for (let i = 1; i < size; i++) xhat[i - 1] = v[offset + i]! / nx;
  return { offset, size, region: 'boundary', diagX: (nx + t) / (2 * nx), rankOneX: t / (2 * nx), xhat };
}

/**
 * out[block] = DPi * dv[block] for one SOC block, in O(q) work. With
 * `complement`, writes (I - DPi) dv instead.
 */
export function applySocJacobian(jac: SocJacobian, dv: ArrayLike<number>, out: Float64Array, complement = false): void {
  const { offset, size } = jac;
  if (jac.region !== 'boundary') {
    const keep = (jac.region === 'inside') !== complement;
    for (let i = offset; i < offset + size; i++) out[i] = keep ? dv[i]! : 0;
    return;
  }
  const dt = dv[offset]!;
  let xd = 0;
  for (let i = 1; i < size; i++) xd += jac.xhat[i - 1]! * dv[offset + i]!;
  const outT = 0.5 * dt + 0.5 * xd;
  out[offset] = complement ? dt - outT : outT;
  const coefX = 0.5 * dt - jac.rankOneX * xd;
  for (let i = 1; i < size; i++) {
    const d = dv[offset + i]!;
    const o = jac.diagX * d + coefX * jac.xhat[i - 1]!;
    out[offset + i] = complement ? d - o : o;
  }
}
