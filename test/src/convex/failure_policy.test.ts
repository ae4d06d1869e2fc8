import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Problem, minimize, parameter, quadForm, sum, sumSquares, variable } from '../../../dsl/index.js';
import { SolverError } from '../../../solvers/errors.js';
import { init } from '../../../src/init.js';
import type { RouteSolution, RouteSolver } from '../../../dsl/solve/index.js';
import type { SolverStatus } from '../../../solvers/status.js';
import { ConvexLayer, type ConvexLayerOptions } from '../../../src/convex/index.js';

beforeAll(async () => {
  await init();
});

/** Projection of a onto the box [0, 1]^3: x* = clip(a, 0, 1), dx/da = 1 inside the box, 0 outside. */
function boxProjection(): { problem: Problem; a: ReturnType<typeof parameter>; x: ReturnType<typeof variable> } {
  const x = variable(3, { name: 'x' });
  const a = parameter(3, { name: 'a' });
  return { problem: new Problem(minimize(sumSquares(x.sub(a))), [x.ge(0), x.le(1)]), a, x };
}

const A_VALUES = [[0.5, 2, -1], [0.3, 0.2, 0.1]];
/** The truth clip(a, 0, 1) and its gradient (1 inside the box, 0 outside) for A_VALUES. */
const CLIPPED = [[0.5, 1, 0], [0.3, 0.2, 0.1]];
const CLIP_GRAD = [[1, 0, 0], [1, 1, 1]];

/**
 * Test double around the layer's real route: relabels the listed batch
 * elements' statuses (the points stay the true solutions), so the policy's
 * handling of each status is tested whatever the current solver reaches.
 */
function relabel(layer: ConvexLayer, labels: Record<number, SolverStatus>): void {
  const map = layer.solutionMap as unknown as { solver: RouteSolver };
  const real = map.solver;
  map.solver = {
    route: real.route,
    compiled: real.compiled,
    dualGradients: real.dualGradients,
    solve(thetas: Float64Array, batch: number): RouteSolution {
      const sol = real.solve(thetas, batch);
      return { ...sol, statuses: sol.statuses.map((s, e) => labels[e] ?? s), messages: sol.messages.map((m, e) => (labels[e] ? `relabelled ${labels[e]}` : m)) };
    },
  };
}

function boxLayer(options: ConvexLayerOptions, labels: Record<number, SolverStatus>): ConvexLayer {
  const { problem, a, x } = boxProjection();
  const layer = new ConvexLayer(problem, { parameters: [a], variables: [x], solver: 'qp', ...options });
  relabel(layer, labels);
  return layer;
}

describe('ConvexLayer failure policy: anything but optimal is flagged', () => {
  it('issue 14 repro: dx1/db of min 0.5 x\'Px + q\'x s.t. sum(x) = b is 2/3 (or flagged), never 0.550 silently', () => {
    const x = variable(2, { name: 'x' });
    const q = parameter(2, { name: 'q' });
    const b = parameter([], { name: 'b' });
    const problem = new Problem(minimize(quadForm(x, [[2, 1], [1, 3]]).mul(0.5).add(sum(q.mul(x)))), [sum(x).eq(b)]);
    const layer = new ConvexLayer(problem, { parameters: [q, b], variables: [x] });
    let grad: number | undefined;
    try {
      grad = tf.tidy(() => tf.grad((bb: tf.Tensor) => layer.apply([tf.tensor1d([0.5, -1]), bb])[0]!.slice([0], [1]).sum())(tf.scalar(2)).dataSync()[0]);
    } catch (err) {
      // A flag is acceptable; it must be the typed one, naming the element.
      expect(err).toBeInstanceOf(SolverError);
      expect((err as SolverError).batchIndex).toBe(0);
      return;
    }
    // Exact: dx/db = P^-1 1 / (1' P^-1 1) = [2/3, 1/3].
    expect(layer.lastStats!.elements[0]!.status).toBe('optimal');
    expect(grad!).toBeCloseTo(2 / 3, 4);
  });

  it("throws on 'optimal_inaccurate' by default, naming the batch index; lastStats says what happened", () => {
    const layer = boxLayer({}, { 1: 'optimal_inaccurate' });
    let caught: unknown;
    try {
      layer.apply([tf.tensor2d(A_VALUES)]);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(SolverError);
    expect((caught as SolverError).batchIndex).toBe(1);
    expect((caught as SolverError).status).toBe('optimal_inaccurate');
    expect((caught as Error).message).toMatch(/acceptInaccurate/);
    const elements = layer.lastStats!.elements;
    expect(elements.map((e) => [e.index, e.route, e.status])).toEqual([[0, 'qp', 'optimal'], [1, 'qp', 'optimal_inaccurate']]);
    expect(elements[1]!.message).toMatch(/relabelled/);
    expect(elements[0]!.iterations).toBeGreaterThanOrEqual(0);
  });

  it("acceptInaccurate: true accepts 'optimal_inaccurate' (and only it), and says so per element", () => {
    const layer = boxLayer({ acceptInaccurate: true }, { 1: 'optimal_inaccurate' });
    const out = tf.tidy(() => layer.apply([tf.tensor2d(A_VALUES)])[0]!.arraySync() as number[][]);
    expect(layer.lastStats!.elements.map((e) => e.policyApplied)).toEqual(['none', 'accepted-inaccurate']);
    out.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(CLIPPED[i]![j]!, 5)));
    // Any other status still gets the policy.
    for (const status of ['max_iters', 'infeasible_inaccurate', 'singular'] as SolverStatus[]) {
      const other = boxLayer({ acceptInaccurate: true }, { 0: status });
      expect(() => other.apply([tf.tensor2d(A_VALUES)])).toThrow(SolverError);
    }
  });

  it("'zero-gradient' gives the failed element zero gradient, the others the closed form; no tensors leak", () => {
    const layer = boxLayer({ onSolverFailure: 'zero-gradient' }, { 0: 'optimal_inaccurate' });
    const before = tf.memory().numTensors;
    const g = tf.tidy(() => tf.grad((t: tf.Tensor) => layer.apply([t])[0]!.sum())(tf.tensor2d(A_VALUES)).arraySync() as number[][]);
    expect(tf.memory().numTensors).toBe(before);
    expect(g[0]!.map(Math.abs)).toEqual([0, 0, 0]);
    g[1]!.forEach((v, j) => expect(v).toBeCloseTo(CLIP_GRAD[1]![j]!, 4));
    expect(layer.lastStats!.elements.map((e) => e.policyApplied)).toEqual(['zero-gradient', 'none']);
    expect(layer.lastStats!.failed).toEqual([0]);
    expect(layer.lastBackwardStats!.elements.map((e) => [e.outcome, e.policyApplied])).toEqual([['skipped', 'zero-gradient'], ['ok', 'none']]);
    // 'best-effort' keeps and differentiates it, and records the policy.
    const keep = boxLayer({ onSolverFailure: 'best-effort' }, { 0: 'optimal_inaccurate' });
    const gk = tf.tidy(() => tf.grad((t: tf.Tensor) => keep.apply([t])[0]!.sum())(tf.tensor2d(A_VALUES)).arraySync() as number[][]);
    expect(keep.lastStats!.elements[0]!.policyApplied).toBe('best-effort');
    expect(gk.flat().every(Number.isFinite)).toBe(true);
  });

  it('SCS route: a backward solve that misses its residual check throws (naming the index) or is zeroed and reported', () => {
    const { problem, a, x } = boxProjection();
    // An unattainable residual tolerance makes the cone derivative's checked linear solve fail.
    const strict = { solver: 'scs' as const, derivative: { acceptResidual: 1e-300 } };
    const thrower = new ConvexLayer(problem, { parameters: [a], variables: [x], ...strict });
    const loss = (layer: ConvexLayer) => (t: tf.Tensor) => layer.apply([t])[0]!.sum();
    let caught: unknown;
    try {
      tf.tidy(() => tf.grad(loss(thrower))(tf.tensor2d(A_VALUES)));
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(SolverError);
    expect((caught as SolverError).batchIndex).toBe(0);
    const zeroing = new ConvexLayer(problem, { parameters: [a], variables: [x], ...strict, onSolverFailure: 'zero-gradient' });
    const before = tf.memory().numTensors;
    const g = tf.tidy(() => tf.grad(loss(zeroing))(tf.tensor2d(A_VALUES)).arraySync() as number[][]);
    expect(tf.memory().numTensors).toBe(before);
    expect(g.flat().map(Math.abs)).toEqual([0, 0, 0, 0, 0, 0]);
    const stats = zeroing.lastBackwardStats!;
    expect(stats.failed).toEqual([0, 1]);
    expect(stats.elements.map((e) => [e.outcome, e.policyApplied])).toEqual([['failed', 'zero-gradient'], ['failed', 'zero-gradient']]);
    // With an attainable tolerance the same layer's gradient is the closed form: 1 inside the box, 0 outside.
    const fine = new ConvexLayer(problem, { parameters: [a], variables: [x], solver: 'scs' });
    const ok = tf.tidy(() => tf.grad(loss(fine))(tf.tensor2d(A_VALUES)).arraySync() as number[][]);
    ok.flat().forEach((v, i) => expect(v).toBeCloseTo([1, 0, 0, 1, 1, 1][i]!, 3));
    expect(fine.lastBackwardStats!.failed).toEqual([]);
  });
});
