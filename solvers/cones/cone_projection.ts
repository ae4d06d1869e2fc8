import type { ConeDims } from '../cone_program.js';
import { coneRows } from '../cone_program.js';
import { ShapeError, ValueError, assertFinite } from '../errors.js';
import { projectExpCone } from './exp_cone.js';
import { apply3, complement3 } from './jacobian3.js';
import { nonnegDerivativeDiagonal, projectNonneg } from './nonneg_cone.js';
import { projectPowerCone } from './power_cone.js';
import { applySocJacobian, projectSoc, socJacobian, type SocJacobian } from './second_order_cone.js';

/**
 * Projection onto a product cone K described by `ConeDims` (SCS order: zero,
 * nonneg, SOC, exp, power; a negative power parameter is the dual power cone)
 * or onto its dual K*, and the derivative of that projection.
 *
 * Dual cones: {0}* = R^k (free), R+, SOC are self-dual, and for the exp and
 * power cones Moreau's decomposition v = Pi_K(v) - Pi_K*(-v) gives
 *   Pi_K*(v) = v + Pi_K(-v),   DPi_K*(v) = I - DPi_K(-v).
 * The cone-program derivative (Agrawal et al. 2019, sec. 4) uses DPi_K*(y - s).
 */
export interface ConeProjectionOptions {
  /** Project onto the dual cone K* instead of K (default false). */
  dual?: boolean;
}

/**
 * The Jacobian DPi(v) of a product-cone projection as a block-diagonal linear
 * map. Every block is symmetric in exact arithmetic and is stored in a
 * symmetric closed form, so `applyTranspose` equals `apply` to rounding.
 */
export interface ConeProjectionJacobian {
  readonly size: number;
  /** out = DPi(v) dv. */
  apply(dv: ArrayLike<number>, out?: Float64Array): Float64Array;
  /** out = DPi(v)' dv. */
  applyTranspose(dv: ArrayLike<number>, out?: Float64Array): Float64Array;
}

/** Block layout of `dims`, shared by the projection and its derivative. */
interface Layout {
  readonly zero: number;
  readonly nonneg: number;
  readonly socOffsets: number[];
  readonly expOffset: number;
  readonly powerOffset: number;
  readonly m: number;
}

function layout(dims: ConeDims): Layout {
  let off = dims.zero + dims.nonneg;
  const socOffsets: number[] = [];
  for (const q of dims.soc) {
    if (!Number.isInteger(q) || q < 1) throw new ValueError(`second-order cone size ${q} must be a positive integer`);
    socOffsets.push(off);
    off += q;
  }
  for (const a of dims.power) {
    if (!(Math.abs(a) > 0 && Math.abs(a) < 1)) throw new ValueError(`power cone parameter ${a} must satisfy 0 < |alpha| < 1`);
  }
  const expOffset = off;
  const powerOffset = expOffset + 3 * dims.exp;
  return { zero: dims.zero, nonneg: dims.nonneg, socOffsets, expOffset, powerOffset, m: coneRows(dims) };
}

function checkVector(dims: ConeDims, v: ArrayLike<number>, what: string): Layout {
  const lay = layout(dims);
  if (v.length !== lay.m) throw new ShapeError(`${what} has length ${v.length} but the cones describe ${lay.m} rows`);
  assertFinite(v, what);
  return lay;
}

/**
 * One 3-dimensional block with its Jacobian. The block's cone K is K_exp,
 * K_a (alpha > 0) or K_|a|* (alpha < 0); only the primal K_exp / K_a
 * projections are implemented directly, the other set of each pair through
 * Moreau: Pi_S*(v) = v + Pi_S(-v), DPi_S*(v) = I - DPi_S(-v).
 */
function project3(v0: number, v1: number, v2: number, cone: 'exp' | number, dual: boolean): { p: number[]; jac: Float64Array } {
  const basePrimal = (x: number, y: number, z: number) =>
    cone === 'exp' ? projectExpCone(x, y, z) : projectPowerCone(x, y, z, Math.abs(cone));
  const isDualPower = cone !== 'exp' && cone < 0;
  const moreau = dual !== isDualPower;
  if (!moreau) {
    const r = basePrimal(v0, v1, v2);
    return { p: r.p, jac: r.jacobian };
  }
  const r = basePrimal(-v0, -v1, -v2);
  return { p: [v0 + r.p[0], v1 + r.p[1], v2 + r.p[2]], jac: complement3(r.jacobian) };
}

/** Pi_K(v) (or Pi_K*(v) with `dual`), for the product cone described by `dims`. */
export function coneProjection(dims: ConeDims, v: ArrayLike<number>, options: ConeProjectionOptions = {}): Float64Array {
  const lay = checkVector(dims, v, 'v');
  const dual = options.dual ?? false;
  const out = new Float64Array(lay.m);
  for (let i = 0; i < lay.zero; i++) out[i] = dual ? v[i]! : 0;
  projectNonneg(v, out, lay.zero, lay.nonneg);
  dims.soc.forEach((q, k) => projectSoc(v, out, lay.socOffsets[k]!, q));
  for (let k = 0; k < dims.exp; k++) {
    const o = lay.expOffset + 3 * k;
    const { p } = project3(v[o]!, v[o + 1]!, v[o + 2]!, 'exp', dual);
    out.set(p, o);
  }
  dims.power.forEach((a, k) => {
    const o = lay.powerOffset + 3 * k;
    const { p } = project3(v[o]!, v[o + 1]!, v[o + 2]!, a, dual);
    out.set(p, o);
  });
  return out;
}

/** DPi_K(v) (or DPi_K*(v) with `dual`) as a block-diagonal linear map; O(m) per application. */
export function coneProjectionDerivative(
  dims: ConeDims,
  v: ArrayLike<number>,
  options: ConeProjectionOptions = {},
): ConeProjectionJacobian {
  const lay = checkVector(dims, v, 'v');
  const dual = options.dual ?? false;
  const diagLen = lay.zero + lay.nonneg;
  const diag = new Float64Array(diagLen);
  diag.fill(dual ? 1 : 0, 0, lay.zero);
  nonnegDerivativeDiagonal(v, diag, lay.zero, lay.nonneg);
  const socs: SocJacobian[] = dims.soc.map((q, k) => socJacobian(v, lay.socOffsets[k]!, q));
  const blocks3: { offset: number; jac: Float64Array }[] = [];
  for (let k = 0; k < dims.exp; k++) {
    const o = lay.expOffset + 3 * k;
    blocks3.push({ offset: o, jac: project3(v[o]!, v[o + 1]!, v[o + 2]!, 'exp', dual).jac });
  }
  dims.power.forEach((a, k) => {
    const o = lay.powerOffset + 3 * k;
    blocks3.push({ offset: o, jac: project3(v[o]!, v[o + 1]!, v[o + 2]!, a, dual).jac });
  });
  const m = lay.m;
  const run = (dv: ArrayLike<number>, out: Float64Array, transpose: boolean): Float64Array => {
    if (dv.length !== m) throw new ShapeError(`direction has length ${dv.length}, expected ${m}`);
    for (let i = 0; i < diagLen; i++) out[i] = diag[i]! * dv[i]!;
    for (const s of socs) applySocJacobian(s, dv, out);
    for (const b of blocks3) apply3(b.jac, dv, out, b.offset, transpose);
    return out;
  };
  return {
    size: m,
    apply: (dv, out = new Float64Array(m)) => run(dv, out, false),
    applyTranspose: (dv, out = new Float64Array(m)) => run(dv, out, true),
  };
}
