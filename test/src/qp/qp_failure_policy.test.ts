import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { SolverError } from '../../../solvers/errors.js';
import { init } from '../../../src/init.js';
import { optNetLayer, qp, type QpBackwardReport, type QpSolveReport } from '../../../src/qp/index.js';
import { qpBackwardFailures } from '../../../src/qp/qp_backward_check.js';

beforeAll(async () => {
  await init();
});

const Q = () => tf.tensor2d([[2, 0.5], [0.5, 1]]);
const P = () => tf.tensor2d([[-1, 1], [0.5, -2], [3, 3]]);
const G = () => tf.tensor2d([[1, 0], [0, 1], [-1, -1]]);
const H = () => tf.tensor1d([0.3, 0.4, 1]);
/** One interior point iteration cannot converge: every example ends 'max_iters'. */
const ONE = { maxIters: 1 };
/** Four iterations: some examples converge, some do not (whatever the solver's details, the policy is per example). */
const FOUR = { tol: 1e-15, maxIters: 4 };

describe("qp(): anything but 'optimal' gets the failure policy ('optimal_inaccurate' too unless acceptInaccurate)", () => {
  it('throws by default, naming the first failed batch index', () => {
    let report: QpSolveReport | undefined;
    let caught: unknown;
    try {
      tf.tidy(() => qp(Q(), P(), G(), H(), null, null, { ...ONE, onSolve: (r) => (report = r) }));
    } catch (err) {
      caught = err;
    }
    const bad = report!.elements.filter((e) => e.status !== 'optimal');
    expect(bad.length).toBe(3);
    expect(caught).toBeInstanceOf(SolverError);
    expect((caught as SolverError).batchIndex).toBe(bad[0]!.index);
    expect(report!.elements.every((e) => e.route === 'qp' && e.iterations <= 1 && e.message.length > 0)).toBe(true);
  });

  it("acceptInaccurate accepts only 'optimal_inaccurate': 'max_iters' still throws; an optimal solve is labelled 'none'", () => {
    expect(() => tf.tidy(() => qp(Q(), P(), G(), H(), null, null, { ...ONE, acceptInaccurate: true }))).toThrow(SolverError);
    let report: QpSolveReport | undefined;
    const z = tf.tidy(() => qp(Q(), P(), G(), H(), null, null, { acceptInaccurate: true, onSolve: (r) => (report = r) }).arraySync() as number[][]);
    for (const e of report!.elements) expect(e.policyApplied).toBe(e.status === 'optimal' ? 'none' : 'accepted-inaccurate');
    // Independent evidence: primal feasibility G z <= h.
    z.forEach((row) => {
      expect(row[0]!).toBeLessThanOrEqual(0.3 + 1e-6);
      expect(row[1]!).toBeLessThanOrEqual(0.4 + 1e-6);
      expect(-row[0]! - row[1]!).toBeLessThanOrEqual(1 + 1e-6);
    });
  });

  it("'zero-gradient' zeroes failed examples' outputs and gradients only, records it, and leaks no tensors", () => {
    const before = tf.memory().numTensors;
    let report: QpSolveReport | undefined;
    const p = P();
    const [z, dp] = tf.tidy(() => {
      const f = (pp: tf.Tensor) => qp(Q(), pp, G(), H(), null, null, { ...FOUR, onSolverFailure: 'zero-gradient', onSolve: (r) => (report = r) });
      return [f(p).arraySync() as number[][], tf.grad((pp: tf.Tensor) => f(pp).sum())(p).arraySync() as number[][]];
    });
    p.dispose();
    expect(tf.memory().numTensors).toBe(before);
    for (const e of report!.elements) {
      if (e.status === 'optimal') {
        expect(e.policyApplied).toBe('none');
        expect(z[e.index]!.some((v) => v !== 0)).toBe(true);
        continue;
      }
      expect(e.policyApplied).toBe('zero-gradient');
      expect(z[e.index]!.map(Math.abs)).toEqual([0, 0]);
      expect(dp[e.index]!.map(Math.abs)).toEqual([0, 0]);
    }
    expect(report!.failed).toEqual(report!.elements.filter((e) => e.status !== 'optimal').map((e) => e.index));
  });

  it('OptNetLayer keeps the per-example reports in lastStats / lastBackwardStats', () => {
    const layer = optNetLayer({ nVariables: 2, nIneq: 2, fixed: { G: [[-1, 0], [0, -1]], h: [0, 0] }, inputs: ['p'] });
    const p = tf.tensor2d([[1, -1], [-2, 0.5]]);
    tf.tidy(() => tf.grad((pp: tf.Tensor) => (layer.apply(pp) as tf.Tensor).sum())(p));
    expect(layer.lastStats!.elements.map((e) => e.status)).toEqual(['optimal', 'optimal']);
    expect(layer.lastBackwardStats!.elements.map((e) => e.outcome)).toEqual(['ok', 'ok']);
    p.dispose();
  });
});

describe('qpBackwardFailures (reads the solver-side backward residual report)', () => {
  it('flags exactly the examples the solver marks as failed, with their residual', () => {
    expect(qpBackwardFailures({}, 2)).toEqual([undefined, undefined]);
    const flagged = qpBackwardFailures({ backwardFailed: Uint8Array.from([0, 1]), backwardResidual: Float64Array.from([1e-14, 1e-3]) }, 2);
    expect(flagged[0]).toBeUndefined();
    expect(flagged[1]).toMatch(/1\.00e-3/);
  });

  it('a converged batch reports every backward solve as passed (the real solver)', () => {
    let backward: QpBackwardReport | undefined;
    const p = P();
    tf.tidy(() => tf.grad((pp: tf.Tensor) => qp(Q(), pp, G(), H(), null, null, { onBackward: (r) => (backward = r) }).sum())(p));
    p.dispose();
    expect(backward!.failed).toEqual([]);
    expect(backward!.elements.map((e) => e.outcome)).toEqual(['ok', 'ok', 'ok']);
  });
});
