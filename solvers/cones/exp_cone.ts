import { identity3, tangentJacobian3, zero3 } from './jacobian3.js';

/**
 * Projection onto the primal exponential cone (SCS convention)
 *   K_exp = cl {(x, y, z) : y e^(x/y) <= z, y > 0}
 * and its derivative.
 *
 * Projection: Friberg, "Projection onto the exponential cone: a univariate
 * root-finding problem" (Optim. Methods Softw. 2023). Outside the three easy
 * cases (v in K, v in the polar cone K° = -K*, and x <= 0, y <= 0), the
 * projection is p = t (rho, 1, e^rho) and the polar part is
 * v - p = lambda (1, 1 - rho, -e^-rho), the two being orthogonal. Solving the
 * 2 x 2 system in (x, y) gives
 *   t = ((rho - 1) x0 + y0) / (rho^2 - rho + 1),  lambda = (x0 - rho y0) / (rho^2 - rho + 1),
 * and the z row gives the scalar equation
 *   h(rho) = ((rho - 1) x0 + y0) e^rho - (x0 - rho y0) e^-rho - (rho^2 - rho + 1) z0 = 0,
 * solved here by a bracketed, safeguarded Newton iteration on h(rho) e^-|rho|
 * (same roots, no overflow) over the interval where t > 0 and lambda > 0.
 *
 * Derivative: implicit function theorem on p + lambda grad phi(p) = v,
 * phi(p) = 0 with phi(x, y, z) = x - y log(z / y), whose gradient at p is
 * a = (1, 1 - rho, -e^-rho) and whose Hessian is (1/t) w w', w = (0, 1, -e^-rho)
 * (see `tangentJacobian3`). In the region x0 < 0, y0 < 0 the projection is
 * (x0, 0, max(z0, 0)) with a diagonal Jacobian.
 */

/** Which formula produced the projection. */
export type ExpRegion = 'inside' | 'polar' | 'negative-xy' | 'boundary';

/** A projection onto a 3-dimensional cone with its (symmetric) Jacobian. */
export interface ConeProjection3 {
  readonly p: [number, number, number];
  /** Row-major 3 x 3 Jacobian of the projection at v. */
  readonly jacobian: Float64Array;
  readonly region: string;
}

/** True when (x, y, z) lies in K_exp. */
export function inExpCone(x: number, y: number, z: number): boolean {
  if (y > 0 && z > 0) return x <= y * Math.log(z / y);
  return y === 0 && x <= 0 && z >= 0;
}

/** True when (x, y, z) lies in the polar cone K_exp° = -K_exp*. */
export function inExpPolarCone(x: number, y: number, z: number): boolean {
  // -K* = {(u, v, w) : u > 0, u e^(v/u) <= -e w} U {u = 0, v <= 0, w <= 0}
  if (x > 0 && z < 0) return Math.log(x) + y / x - 1 <= Math.log(-z);
  return x === 0 && y <= 0 && z <= 0;
}

/** h(rho) e^-|rho| and its derivative (see the file comment). */
function scaledH(x0: number, y0: number, z0: number, rho: number): [number, number] {
  const a = (rho - 1) * x0 + y0;
  const b = x0 - rho * y0;
  const c = rho * rho - rho + 1;
  if (rho >= 0) {
    const e1 = Math.exp(-rho);
    const e2 = e1 * e1;
    const g = a - b * e2 - c * z0 * e1;
    const dg = x0 + (y0 + 2 * b) * e2 - z0 * (2 * rho - 1 - c) * e1;
    return [g, dg];
  }
  const e1 = Math.exp(rho);
  const e2 = e1 * e1;
  const g = a * e2 - b - c * z0 * e1;
  const dg = (x0 + 2 * a) * e2 + y0 - z0 * (2 * rho - 1 + c) * e1;
  return [g, dg];
}

/**
 * Finds rho in the open interval where t > 0 and lambda > 0 with h(rho) = 0.
 * Returns NaN if no sign change is found (a numerically degenerate point).
 */
function findRho(x0: number, y0: number, z0: number): number {
  let lo = -Infinity;
  let hi = Infinity;
  // t > 0  <=>  (rho - 1) x0 + y0 > 0;  lambda > 0  <=>  x0 - rho y0 > 0.
  if (x0 > 0) lo = Math.max(lo, 1 - y0 / x0);
  if (x0 < 0) hi = Math.min(hi, 1 - y0 / x0);
  if (y0 > 0) hi = Math.min(hi, x0 / y0);
  if (y0 < 0) lo = Math.max(lo, x0 / y0);
  if (!(lo < hi)) return NaN;
  const LIMIT = 800;
  if (lo === -Infinity) {
    let step = Math.max(1, Math.abs(hi));
    lo = hi - step;
    while (scaledH(x0, y0, z0, lo)[0] > 0 && lo > -LIMIT) {
      step *= 2;
      lo = hi - step;
    }
  }
  if (hi === Infinity) {
    let step = Math.max(1, Math.abs(lo));
    hi = lo + step;
    while (scaledH(x0, y0, z0, hi)[0] < 0 && hi < LIMIT) {
      step *= 2;
      hi = lo + step;
    }
  }
  let glo = scaledH(x0, y0, z0, lo)[0];
  const ghi = scaledH(x0, y0, z0, hi)[0];
  if (glo === 0) return lo;
  if (ghi === 0) return hi;
  if (Math.sign(glo) === Math.sign(ghi)) {
    // The root sits within rounding of an end of the interval (t or lambda ~ 0).
    if (!Number.isFinite(glo) && !Number.isFinite(ghi)) return NaN;
    return Math.abs(glo) < Math.abs(ghi) || !Number.isFinite(ghi) ? lo : hi;
  }
  let rho = 0.5 * (lo + hi);
  for (let iter = 0; iter < 200; iter++) {
    const [g, dg] = scaledH(x0, y0, z0, rho);
    if (g === 0) return rho;
    if (Math.sign(g) === Math.sign(glo)) {
      lo = rho;
      glo = g;
    } else hi = rho;
    let next = rho - g / dg;
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (Math.abs(next - rho) <= 4e-16 * Math.max(1, Math.abs(rho)) || hi - lo <= 4e-16 * Math.max(1, Math.abs(rho))) return next;
    rho = next;
  }
  return rho;
}

/**
 * The primal scale t and polar multiplier lambda at the root rho, each from
 * the better conditioned of two formulas: the (x, y) rows give
 * t = ((rho - 1) x0 + y0) / (rho^2 - rho + 1) and lambda = (x0 - rho y0) / (rho^2 - rho + 1),
 * the z row z0 = t e^rho - lambda e^-rho gives either from the other. Near the
 * ends of the root interval one of the two (x, y)-row numerators cancels.
 */
function scales(x0: number, y0: number, z0: number, rho: number): { t: number; lambda: number } {
  const quad = rho * rho - rho + 1;
  const numT = (rho - 1) * x0 + y0;
  const numL = x0 - rho * y0;
  const condT = Math.abs(numT) / (Math.abs((rho - 1) * x0) + Math.abs(y0));
  const condL = Math.abs(numL) / (Math.abs(x0) + Math.abs(rho * y0));
  const er = Math.exp(rho);
  const zRowUsable = er > 0 && Number.isFinite(er);
  let t = numT / quad;
  let lambda = numL / quad;
  if (zRowUsable && condT < condL) t = (z0 + lambda / er) / er;
  else if (zRowUsable && condL < condT) lambda = (t * er - z0) * er;
  return { t, lambda: Math.max(lambda, 0) };
}

function dist2(p: readonly number[], x0: number, y0: number, z0: number): number {
  return (p[0]! - x0) ** 2 + (p[1]! - y0) ** 2 + (p[2]! - z0) ** 2;
}

/** Projects v = (x0, y0, z0) onto K_exp and differentiates the projection. */
export function projectExpCone(x0: number, y0: number, z0: number): ConeProjection3 {
  // Pi is positively homogeneous and DPi is scale invariant: work at unit scale
  // so that tiny or huge inputs neither underflow nor overflow.
  const sc = Math.max(Math.abs(x0), Math.abs(y0), Math.abs(z0));
  if (sc === 0) return { p: [0, 0, 0], jacobian: zero3(), region: 'polar' };
  const unit = projectExpConeUnit(x0 / sc, y0 / sc, z0 / sc);
  return { p: [unit.p[0] * sc, unit.p[1] * sc, unit.p[2] * sc], jacobian: unit.jacobian, region: unit.region };
}

function projectExpConeUnit(x0: number, y0: number, z0: number): ConeProjection3 {
  if (inExpCone(x0, y0, z0)) return { p: [x0, y0, z0], jacobian: identity3(), region: 'inside' };
  if (inExpPolarCone(x0, y0, z0)) return { p: [0, 0, 0], jacobian: zero3(), region: 'polar' };
  const negXY: [number, number, number] = [Math.min(x0, 0), 0, Math.max(z0, 0)];
  const negXYJacobian = Float64Array.from([x0 < 0 ? 1 : 0, 0, 0, 0, 0, 0, 0, 0, z0 > 0 ? 1 : 0]);
  if (x0 <= 0 && y0 <= 0) return { p: negXY, jacobian: negXYJacobian, region: 'negative-xy' };

  const rho = findRho(x0, y0, z0);
  const { t, lambda } = scales(x0, y0, z0, rho);
  const er = Math.exp(rho);
  const p: [number, number, number] = [rho * t, t, er * t];
  if (Number.isFinite(rho) && t > 0 && Number.isFinite(p[2]) && dist2(p, x0, y0, z0) <= dist2(negXY, x0, y0, z0)) {
    // The normal a = (1, 1 - rho, -e^-rho) is scaled by e^rho when rho < 0 to stay
    // finite. The tangent part of the curvature direction w = (0, 1, -e^-rho)
    // is minus that of a - w = (1, -rho, 0), and lambda H = (lambda / t) w w'.
    const normal = rho < 0 ? [er, er * (1 - rho), -1] : [1, 1 - rho, -1 / er];
    return { p, jacobian: tangentJacobian3(normal, [1, -rho, 0], lambda / t), region: 'boundary' };
  }
  // Degenerate (root search failed or lost to the perspective boundary): the
  // closest point on the face y = 0 is the projection to working precision.
  return { p: negXY, jacobian: negXYJacobian, region: 'negative-xy' };
}
