import type { ConeProgram } from '../../solvers/cone_program.js';
import { ShapeError, ValueError, assertFinite } from '../../solvers/errors.js';
import { cscMatVec, cscTransposeMatVec } from '../../solvers/sparse/csc.js';
import type { CompiledProblem, DataGradient, ShapedRef } from '../compiled_problem.js';
import type { Parameter } from '../expr/leaves.js';
import { SelectionCsc } from './sparse_build.js';

/**
 * theta from the parameters' current values, in `compiled.parameters` order
 * (row-major within each parameter). Throws ValueError naming an unset parameter.
 */
export function thetaFromParameters(compiled: CompiledProblem<Parameter>): Float64Array {
  const theta = new Float64Array(compiled.thetaSize);
  for (const slot of compiled.parameters) {
    const v = slot.ref.value;
    if (v === undefined) throw new ValueError(`parameter ${slot.ref.name} has no value; assign ${slot.ref.name}.value before solving`);
    theta.set(v.data, slot.offset);
  }
  return theta;
}

function extended(compiled: CompiledProblem, theta: ArrayLike<number>): Float64Array {
  if (theta.length !== compiled.thetaSize) throw new ShapeError(`theta has length ${theta.length}, the problem has ${compiled.thetaSize} parameter entries`);
  const ext = new Float64Array(compiled.thetaSize + 1);
  for (let i = 0; i < theta.length; i++) ext[i] = theta[i]!;
  ext[compiled.thetaSize] = 1;
  assertFinite(ext, 'theta');
  return ext;
}

/**
 * The cone program at parameter values theta:
 *   values(A) = aMap [theta; 1],  b = bMap [theta; 1],  c = cMap [theta; 1],  values(P) = pMap [theta; 1].
 * Sparse mat-vecs only: O(nnz of the maps).
 */
export function problemData(compiled: CompiledProblem, theta: ArrayLike<number>): ConeProgram {
  const ext = extended(compiled, theta);
  const A = { ...compiled.aPattern, values: cscMatVec(compiled.aMap, ext) };
  const b = cscMatVec(compiled.bMap, ext);
  const c = cscMatVec(compiled.cMap, ext);
  if (compiled.pPattern && compiled.pMap) {
    return { A, b, c, P: { ...compiled.pPattern, values: cscMatVec(compiled.pMap, ext) }, cones: compiled.cones };
  }
  return { A, b, c, cones: compiled.cones };
}

/** The objective's constant term at theta, in solver sign (add to c'x + 1/2 x'Px). */
export function objectiveOffset(compiled: CompiledProblem, theta: ArrayLike<number>): number {
  return cscMatVec(compiled.offsetMap, extended(compiled, theta))[0]!;
}

/**
 * Chain rule through the parameter-to-data map: given dL/d(values of A),
 * dL/db, dL/dc (and dL/d(values of P)), returns dL/dtheta =
 * aMap' dA + bMap' db + cMap' dc (+ pMap' dP), dropping the constant column.
 */
export function thetaGradient(compiled: CompiledProblem, grad: DataGradient): Float64Array {
  const T = compiled.thetaSize;
  if (grad.dA.length !== compiled.aMap.rows) throw new ShapeError(`dA has length ${grad.dA.length}, A has ${compiled.aMap.rows} stored entries`);
  if (grad.db.length !== compiled.m) throw new ShapeError(`db has length ${grad.db.length}, expected m = ${compiled.m}`);
  if (grad.dc.length !== compiled.n) throw new ShapeError(`dc has length ${grad.dc.length}, expected n = ${compiled.n}`);
  const out = new Float64Array(T + 1);
  cscTransposeMatVec(compiled.aMap, grad.dA, out, true);
  cscTransposeMatVec(compiled.bMap, grad.db, out, true);
  cscTransposeMatVec(compiled.cMap, grad.dc, out, true);
  if (grad.dP && compiled.pMap) {
    if (grad.dP.length !== compiled.pMap.rows) throw new ShapeError(`dP has length ${grad.dP.length}, P has ${compiled.pMap.rows} stored entries`);
    cscTransposeMatVec(compiled.pMap, grad.dP, out, true);
  }
  return out.slice(0, T);
}

/** Applies a selection matrix without materializing its column pointers. */
function select(sel: SelectionCsc, v: ArrayLike<number>): Float64Array {
  const out = new Float64Array(sel.rows);
  for (let i = 0; i < sel.rows; i++) out[i] = v[sel.offset + i]!;
  return out;
}

/** Each user variable's value (row-major, aligned with `compiled.variables`) from the solver's x. */
export function recoverVariables<V extends ShapedRef>(compiled: CompiledProblem<ShapedRef, V>, x: ArrayLike<number>): Float64Array[] {
  if (x.length !== compiled.n) throw new ShapeError(`x has length ${x.length}, expected n = ${compiled.n}`);
  return compiled.variables.map((s) => (s.recovery instanceof SelectionCsc ? select(s.recovery, x) : cscMatVec(s.recovery, x)));
}

/** Each user constraint's dual (aligned with `compiled.constraints`) from the solver's y. */
export function recoverDuals<C extends ShapedRef>(compiled: CompiledProblem<ShapedRef, ShapedRef, C>, y: ArrayLike<number>): Float64Array[] {
  if (y.length !== compiled.m) throw new ShapeError(`y has length ${y.length}, expected m = ${compiled.m}`);
  return compiled.constraints.map((s) => (s.dualRecovery instanceof SelectionCsc ? select(s.dualRecovery, y) : cscMatVec(s.dualRecovery, y)));
}
