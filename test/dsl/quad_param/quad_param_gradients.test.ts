import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Parameter, Problem, Variable } from '../../../dsl/index.js';
import { init } from '../../../src/init.js';
import { ConvexLayer, ConvexSolutionMap, type ConvexSolverChoice } from '../../../src/convex/index.js';
import { gaussian, portfolio, ridge } from './fixtures.js';

beforeAll(async () => {
  await init();
});

interface Family {
  readonly problem: Problem;
  readonly parameters: readonly Parameter[];
  readonly variable: Variable;
  /** Row-major values per parameter (one batch element). */
  readonly values: readonly number[][];
}

function ridgeFamily(seed: number): Family {
  const r = ridge(seed);
  return { problem: r.problem, parameters: [r.lam, r.b], variable: r.x, values: [[0.7], gaussian(1, 6, seed + 100)[0]!] };
}

/** Long-only portfolio at a point where one weight sits at its bound (x[2] = 0, a stable active set). */
function portfolioFamily(seed: number): Family {
  const p = portfolio(seed, true);
  return { problem: p.problem, parameters: [p.gamma, p.mu], variable: p.x, values: [[0.6], [0.9, -0.8, 0.4, 0.1]] };
}

const FAMILIES: Record<string, (seed: number) => Family> = { ridge: ridgeFamily, portfolio: portfolioFamily };

/** l(theta) = w . x*(theta) by the float64 `problem.solve` on the QP route at a tight tolerance. */
function solveLoss(f: Family, values: readonly number[][], w: readonly number[]): number {
  f.parameters.forEach((p, i) => (p.value = p.shape.length === 0 ? values[i]![0]! : values[i]!));
  const r = f.problem.solve({ solver: 'qp', epsAbs: 1e-12, epsRel: 1e-12 });
  expect(r.status).toBe('optimal');
  return f.variable.value!.data.reduce((s, x, i) => s + w[i]! * x, 0);
}

/** Central differences of `solveLoss` in every parameter entry (step 1e-6, error ~1e-12 / 1e-6 + O(h^2)). */
function finiteDifferences(f: Family, w: readonly number[]): number[][] {
  const h = 1e-6;
  return f.values.map((v, i) =>
    v.map((_, k) => {
      const at = (delta: number) => f.values.map((u, j) => (j === i ? u.map((x, q) => (q === k ? x + delta : x)) : u));
      return (solveLoss(f, at(h), w) - solveLoss(f, at(-h), w)) / (2 * h);
    }),
  );
}

/** dl/dtheta from the solution map's float64 backward pass (batch of one). */
function mapGradient(f: Family, solver: ConvexSolverChoice, w: readonly number[]): { route: string; grads: Float64Array[] } {
  const options = solver === 'scs' ? { solver, maxIters: 400_000, scs: { epsAbs: 1e-11, epsRel: 1e-11 } } : { solver, qp: { tol: 1e-11, tolInaccurate: 1e-8 } };
  const map = new ConvexSolutionMap(f.problem, { parameters: f.parameters, variables: [f.variable] }, options);
  const values = f.values.map((v) => ({ data: Float64Array.from(v), batched: false }));
  const { batch, thetas } = map.packThetas(values);
  const solved = map.solve(thetas, batch);
  const grads = map.unpackGradient(solved.backward([Float64Array.from(w)]), batch, values.map(() => false));
  return { route: map.route, grads };
}

function worstRelative(got: readonly ArrayLike<number>[], want: readonly number[][]): number {
  let worst = 0;
  want.forEach((wv, i) => {
    const scale = Math.max(1, ...wv.map(Math.abs));
    wv.forEach((x, k) => (worst = Math.max(worst, Math.abs(got[i]![k]! - x) / scale)));
  });
  return worst;
}

describe('gradients through a parametrized P on the QP route', () => {
  for (const [name, build] of Object.entries(FAMILIES)) {
    it(`${name}: the float64 backward matches central differences of problem.solve (1e-6) and the SCS route (1e-5)`, () => {
      const f = build(21);
      const w = gaussian(1, f.variable.size, 77)[0]!;
      const fd = finiteDifferences(f, w);
      const qp = mapGradient(f, 'auto', w);
      expect(qp.route).toBe('qp');
      expect(worstRelative(qp.grads, fd)).toBeLessThan(1e-6);
      // The factor's own gradient is not identically zero (the test would otherwise be blind to dP).
      expect(Math.abs(fd[0]![0]!)).toBeGreaterThan(1e-3);
      const scs = mapGradient(f, 'scs', w);
      expect(scs.route).toBe('scs');
      expect(worstRelative(scs.grads, qp.grads.map((g) => Array.from(g)))).toBeLessThan(1e-5);
    });
  }
});

describe('ConvexLayer with lam * sumSquares on the QP route', () => {
  it("routes to 'qp' under 'auto'; float32 tf.grads w.r.t. a batched lam matches float64 finite differences", () => {
    const f = ridgeFamily(31);
    const layer = new ConvexLayer(f.problem, { parameters: f.parameters, variables: [f.variable] });
    expect(layer.route).toBe('qp');
    const w = gaussian(1, 3, 5)[0]!;
    const lams = [0.3, 4];
    const lamT = tf.tensor1d(lams);
    const bT = tf.tensor1d(f.values[1]!);
    const wT = tf.tensor1d(w);
    const dLam = tf.grad((l: tf.Tensor) => tf.sum(tf.mul(layer.apply([l, bT])[0]!, wT)))(lamT);
    const got = dLam.dataSync();
    lams.forEach((l, e) => {
      const g = { ...f, values: [[l], f.values[1]!] };
      const want = finiteDifferences(g, w)[0]![0]!;
      expect(Math.abs(got[e]! - want) / Math.max(1, Math.abs(want))).toBeLessThan(1e-3);
    });
    tf.dispose([lamT, bT, wT, dLam]);
  });

  it('a training loop on lam does not grow tf.memory().numTensors', () => {
    const f = ridgeFamily(41);
    const layer = new ConvexLayer(f.problem, { parameters: f.parameters, variables: [f.variable] });
    const logLam = tf.variable(tf.scalar(0));
    const b = tf.tensor1d(f.values[1]!);
    const target = tf.tensor1d([0.1, -0.2, 0.3]);
    const optimizer = tf.train.adam(0.05);
    const step = () =>
      optimizer.minimize(() => {
        const x = layer.apply([tf.exp(logLam), b])[0]!;
        return tf.sum(tf.square(tf.sub(x, target))) as tf.Scalar;
      }, false);
    step();
    const before = tf.memory().numTensors;
    for (let k = 0; k < 5; k++) step();
    expect(tf.memory().numTensors).toBe(before);
    expect(Number.isFinite(logLam.dataSync()[0]!)).toBe(true);
    expect(logLam.dataSync()[0]).not.toBe(0);
    tf.dispose([logLam, b, target]);
    optimizer.dispose();
  });

  it('a negative lam tensor is a ValueError naming lam', () => {
    const f = ridgeFamily(51);
    const layer = new ConvexLayer(f.problem, { parameters: f.parameters, variables: [f.variable] });
    const lam = tf.scalar(-0.5);
    const b = tf.tensor1d(f.values[1]!);
    expect(() => layer.apply([lam, b])).toThrow(/parameter 'lam' is declared nonneg/);
    tf.dispose([lam, b]);
  });
});
