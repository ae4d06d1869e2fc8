import { beforeAll, describe, expect, it } from 'vitest';
import { initSolvers } from '../../../solvers/init.js';
import { solveQpBatch } from '../../../solvers/qp/index.js';
import { runClosedLoop } from '../../../examples/control/closed_loop.js';
import { doubleIntegrator2d, type LinearSystem, type SystemBounds } from '../../../examples/control/linear_system.js';
import { buildMpc } from '../../../examples/control/mpc_problem.js';

beforeAll(async () => {
  await initSolvers();
});

const system = doubleIntegrator2d(0.1);
const bounds: SystemBounds = { uMax: 1, stateBounds: [{ index: 2, bound: 1 }, { index: 3, bound: 1 }] };
const weights = [1, 1, 0.1, 0.1];
const inputWeight = 0.1;

/**
 * The same MPC written by hand as an OptNet-form QP over z = [x_0..x_T, u_0..u_{T-1}]:
 * 1/2 z'Qz with Q = 2 diag(q.., r..), equalities x_0 = x0 and x_{t+1} = A x_t + B u_t,
 * inequalities +-u <= uMax and +-v_t <= vMax for t >= 1.
 */
function handWrittenMpcQp(sys: LinearSystem, T: number, x0: number[]) {
  const { nx, nu } = sys;
  const n = (T + 1) * nx + T * nu;
  const xi = (t: number, j: number) => t * nx + j;
  const ui = (t: number, j: number) => (T + 1) * nx + t * nu + j;
  const Q = new Float64Array(n * n);
  for (let t = 0; t <= T; t++) for (let j = 0; j < nx; j++) Q[xi(t, j) * n + xi(t, j)] = 2 * weights[j]!;
  for (let t = 0; t < T; t++) for (let j = 0; j < nu; j++) Q[ui(t, j) * n + ui(t, j)] = 2 * inputWeight;
  const eqRows: number[][] = [];
  const b: number[] = [];
  for (let j = 0; j < nx; j++) {
    const row = new Array<number>(n).fill(0);
    row[xi(0, j)] = 1;
    eqRows.push(row);
    b.push(x0[j]!);
  }
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < nx; i++) {
      const row = new Array<number>(n).fill(0);
      row[xi(t + 1, i)] = 1;
      for (let j = 0; j < nx; j++) row[xi(t, j)] -= sys.A[i * nx + j]!;
      for (let j = 0; j < nu; j++) row[ui(t, j)] -= sys.B[i * nu + j]!;
      eqRows.push(row);
      b.push(0);
    }
  }
  const inRows: number[][] = [];
  const h: number[] = [];
  const bound = (index: number, sign: number, limit: number) => {
    const row = new Array<number>(n).fill(0);
    row[index] = sign;
    inRows.push(row);
    h.push(limit);
  };
  for (let t = 0; t < T; t++) for (let j = 0; j < nu; j++) for (const s of [1, -1]) bound(ui(t, j), s, bounds.uMax);
  for (let t = 1; t <= T; t++) for (const { index, bound: v } of bounds.stateBounds) for (const s of [1, -1]) bound(xi(t, index), s, v);
  const arg = (rows: number[][] | number[]) => ({ data: Float64Array.from(rows.flat()), batched: false });
  const result = solveQpBatch(
    { batch: 1, n, nIneq: inRows.length, nEq: eqRows.length, Q: arg(Array.from(Q)), p: arg(new Array<number>(n).fill(0)), G: arg(inRows), h: arg(h), A: arg(eqRows), b: arg(b) },
    { tol: 1e-12 },
  );
  return { status: result.status[0], u: result.z.slice((T + 1) * nx), objective: 0.5 * quad(Q, result.z, n) };
}

function quad(Q: Float64Array, z: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) s += z[i]! * Q[i * n + j]! * z[j]!;
  return s;
}

describe('MPC written in the DSL', () => {
  it('matches the same MPC written by hand as a QP and solved by the interior point method', () => {
    const T = 12;
    const x0 = [4, -3, 0.2, 0.9];
    const mpc = buildMpc({ system, bounds, horizon: T, stateWeights: weights, inputWeight });
    mpc.x0.value = x0;
    const result = mpc.problem.solve({ epsAbs: 1e-10, epsRel: 1e-10 });
    expect(result.status).toBe('optimal');
    const reference = handWrittenMpcQp(system, T, x0);
    expect(reference.status).toBe('optimal');
    expect(result.value).toBeCloseTo(reference.objective, 6);
    const u = mpc.U.value!.data;
    let worst = 0;
    for (let i = 0; i < u.length; i++) worst = Math.max(worst, Math.abs(u[i]! - reference.u[i]!));
    expect(worst).toBeLessThan(1e-5);
    // The bounds are active in this instance, so the comparison exercises the constraints.
    expect(Math.max(...Array.from(u, Math.abs))).toBeGreaterThan(0.999);
  });

  it('keeps every input and velocity bound along a closed-loop simulation, re-solving without recompiling', () => {
    const mpc = buildMpc({ system, bounds, horizon: 10, stateWeights: weights, inputWeight });
    const run = runClosedLoop(mpc, system, [4, -3, 0, 0.5], weights, inputWeight, { steps: 20, eps: 1e-9 });
    const slack = 1e-6;
    for (const u of run.inputs) for (const v of u) expect(Math.abs(v)).toBeLessThanOrEqual(bounds.uMax + slack);
    for (const x of run.states.slice(1)) {
      expect(Math.abs(x[2]!)).toBeLessThanOrEqual(1 + slack);
      expect(Math.abs(x[3]!)).toBeLessThanOrEqual(1 + slack);
    }
    // The controller makes progress towards the origin.
    const norm = (x: Float64Array) => Math.hypot(...x);
    expect(norm(run.states[20]!)).toBeLessThan(0.7 * norm(run.states[0]!));
    expect(mpc.problem.compileCount).toBe(1);
  });
});
