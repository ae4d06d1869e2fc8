import type { ConeProjection3 } from './exp_cone.js';
import { identity3, tangentJacobian3, zero3 } from './jacobian3.js';

/**
 * Projection onto the 3-dimensional power cone (SCS convention, 0 < a < 1)
 *   K_a = {(x, y, z) : x^a y^(1-a) >= |z|, x >= 0, y >= 0},
 * whose dual is K_a* = {(u, v, w) : (u/a)^a (v/(1-a))^(1-a) >= |w|, u, v >= 0},
 * and its derivative.
 *
 * Projection (Hien, "Differential properties of Euclidean projection onto
 * power cone", Math. Meth. Oper. Res. 2015): outside v in K, v in K° = -K*
 * and z0 = 0, the projection is (x(r), y(r), sign(z0) r) with r in (0, |z0|),
 *   x(r) = (x0 + sqrt(x0^2 + 4 a r (|z0| - r))) / 2,
 *   y(r) = (y0 + sqrt(y0^2 + 4 (1-a) r (|z0| - r))) / 2,
 * where r is the root of Phi(r) = x(r)^a y(r)^(1-a) - r, which is >= 0 at 0
 * and < 0 at |z0|; found here by a bracketed, safeguarded Newton iteration.
 *
 * Derivative (not in the Python original): implicit function theorem on
 * p + lambda grad psi(p) = v, psi(p) = 0 with psi = |z| - x^a y^(1-a), so
 * lambda = |z0| - r, grad psi = (-a r/x, -(1-a) r/y, sign z0) and
 * lambda hess psi = kappa w w', w = (1/x, -1/y, 0), kappa = lambda a (1-a) r
 * (see `tangentJacobian3`).
 */

/** True when (x, y, z) lies in K_a. */
export function inPowerCone(x: number, y: number, z: number, a: number): boolean {
  if (x < 0 || y < 0) return false;
  if (z === 0) return true;
  return a * Math.log(x) + (1 - a) * Math.log(y) >= Math.log(Math.abs(z));
}

/** True when (x, y, z) lies in the polar cone K_a° = -K_a*. */
export function inPowerPolarCone(x: number, y: number, z: number, a: number): boolean {
  if (x > 0 || y > 0) return false;
  if (z === 0) return true;
  return a * Math.log(-x / a) + (1 - a) * Math.log(-y / (1 - a)) >= Math.log(Math.abs(z));
}

/** (root of q^2 - v0 q - k = 0 with q >= 0, its derivative in k) without cancellation. */
function positiveRoot(v0: number, k: number): [number, number] {
  const s = Math.sqrt(v0 * v0 + 4 * k);
  const q = v0 >= 0 ? 0.5 * (v0 + s) : (2 * k) / (s - v0);
  // dq/dk = 1 / s
  return [q, s > 0 ? 1 / s : Infinity];
}

/** Projects v = (x0, y0, z0) onto K_a (0 < a < 1) and differentiates the projection. */
export function projectPowerCone(x0: number, y0: number, z0: number, a: number): ConeProjection3 {
  // Pi is positively homogeneous and DPi is scale invariant: work at unit scale
  // so that tiny or huge inputs neither underflow nor overflow.
  const sc = Math.max(Math.abs(x0), Math.abs(y0), Math.abs(z0));
  if (sc === 0) return { p: [0, 0, 0], jacobian: zero3(), region: 'polar' };
  const unit = projectPowerConeUnit(x0 / sc, y0 / sc, z0 / sc, a);
  return { p: [unit.p[0] * sc, unit.p[1] * sc, unit.p[2] * sc], jacobian: unit.jacobian, region: unit.region };
}

function projectPowerConeUnit(x0: number, y0: number, z0: number, a: number): ConeProjection3 {
  if (inPowerCone(x0, y0, z0, a)) return { p: [x0, y0, z0], jacobian: identity3(), region: 'inside' };
  if (inPowerPolarCone(x0, y0, z0, a)) return { p: [0, 0, 0], jacobian: zero3(), region: 'polar' };
  const absZ = Math.abs(z0);
  const sigma = z0 >= 0 ? 1 : -1;
  const axis = (): ConeProjection3 => ({
    p: [Math.max(x0, 0), Math.max(y0, 0), 0],
    jacobian: Float64Array.from([x0 > 0 ? 1 : 0, 0, 0, 0, y0 > 0 ? 1 : 0, 0, 0, 0, 0]),
    region: 'axis',
  });
  if (absZ === 0) return axis();
  const evaluate = (r: number): { phi: number; dphi: number; x: number; y: number } => {
    const lam = absZ - r;
    const [x, dxk] = positiveRoot(x0, a * r * lam);
    const [y, dyk] = positiveRoot(y0, (1 - a) * r * lam);
    const dk = absZ - 2 * r; // d(r lam)/dr
    if (x <= 0 || y <= 0) return { phi: -r, dphi: -1, x, y };
    const g = Math.exp(a * Math.log(x) + (1 - a) * Math.log(y));
    const dx = a * dk * dxk;
    const dy = (1 - a) * dk * dyk;
    return { phi: g - r, dphi: g * ((a * dx) / x + ((1 - a) * dy) / y) - 1, x, y };
  };
  let lo = 0;
  let hi = absZ;
  let r = 0.5 * absZ;
  let cur = evaluate(r);
  for (let iter = 0; iter < 200; iter++) {
    if (cur.phi === 0) break;
    if (cur.phi > 0) lo = r;
    else hi = r;
    let next = r - cur.phi / cur.dphi;
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    const done = Math.abs(next - r) <= 4e-16 * absZ || hi - lo <= 4e-16 * absZ;
    r = next;
    cur = evaluate(r);
    if (done) break;
  }
  const { x, y } = cur;
  // |z0| negligible against x0 or y0: the root underflowed onto a face.
  if (!(x > 0 && y > 0)) return axis();
  const lam = absZ - r;
  const p: [number, number, number] = [x, y, sigma * r];
  const grad = [(-a * r) / x, (-(1 - a) * r) / y, sigma];
  const w = [1 / x, -1 / y, 0];
  return { p, jacobian: tangentJacobian3(grad, w, lam * a * (1 - a) * r), region: 'boundary' };
}
