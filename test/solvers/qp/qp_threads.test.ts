import { beforeAll, describe, expect, it } from 'vitest';
import { ValueError } from '../../../solvers/errors.js';
import { solveQpBatch, type QpBatch, type QpResult } from '../../../solvers/qp/index.js';
import { availableQpThreads, lastQpWorkerShare, startQpWorkers } from '../../../solvers/qp/qp_worker_pool.js';
import { randomQp, type RandomQpSpec } from './qp_fixtures.js';

/** Max absolute difference over the solution, statuses and all six gradients of two solves. */
function compare(qp: QpBatch, a: QpResult, b: QpResult): number {
  expect(a.status).toEqual(b.status);
  expect(Array.from(a.iterations)).toEqual(Array.from(b.iterations));
  const dl = Float64Array.from({ length: qp.batch * qp.n }, (_, i) => Math.sin(1 + i));
  const ga = a.backward(dl);
  const gb = b.backward(dl);
  let d = 0;
  const diff = (x: Float64Array, y: Float64Array) => {
    expect(x.length).toBe(y.length);
    for (let i = 0; i < x.length; i++) d = Math.max(d, Math.abs(x[i]! - y[i]!));
  };
  diff(a.z, b.z);
  diff(a.lam, b.lam);
  diff(a.nu, b.nu);
  diff(a.slack, b.slack);
  diff(a.kktResidual, b.kktResidual);
  for (const k of ['dQ', 'dp', 'dG', 'dh', 'dA', 'db'] as const) diff(ga[k], gb[k]);
  return d;
}

describe('solveQpBatch on worker threads', () => {
  beforeAll(async () => {
    // Load two workers first so the batches below are really shared out.
    expect(await startQpWorkers(2)).toBe(2);
  });

  it('is available in Node and the workers take part', () => {
    expect(availableQpThreads()).toBeGreaterThanOrEqual(1);
    const qp = randomQp({ batch: 40, n: 20, nIneq: 20, nEq: 0, seed: 5 });
    solveQpBatch(qp, { threads: 3 });
    expect(lastQpWorkerShare()).toBeGreaterThan(0);
  });

  const specs: RandomQpSpec[] = [
    { batch: 24, n: 30, nIneq: 40, nEq: 5, seed: 11, activeFraction: 0.3 },
    { batch: 17, n: 25, nIneq: 25, nEq: 0, seed: 12, shared: ['G', 'h'] },
    { batch: 12, n: 20, nIneq: 20, nEq: 4, seed: 13, shared: ['Q', 'A', 'b'], q: 'zero' },
    { batch: 9, n: 16, nIneq: 0, nEq: 6, seed: 14 },
  ];
  for (const spec of specs) {
    it(`gives the single-threaded results (batch ${spec.batch}, n ${spec.n}, m ${spec.nIneq}, neq ${spec.nEq}${spec.shared ? `, shared ${spec.shared.join('')}` : ''})`, () => {
      const qp = randomQp(spec);
      const one = solveQpBatch(qp, { threads: 1 });
      const two = solveQpBatch(qp, { threads: 2 });
      const three = solveQpBatch(qp, { threads: 3 });
      expect(compare(qp, two, one)).toBeLessThanOrEqual(1e-12);
      expect(compare(qp, three, one)).toBeLessThanOrEqual(1e-12);
    });
  }

  it('keeps per-example statuses when some examples are infeasible', () => {
    const qp = randomQp({ batch: 10, n: 8, nIneq: 10, nEq: 0, seed: 21 });
    // Make examples 3 and 7 infeasible: two opposite rows g'z <= -1 and -g'z <= -1.
    const G = qp.G.data;
    const h = qp.h.data;
    for (const e of [3, 7]) {
      for (let j = 0; j < 8; j++) G[(e * 10 + 1) * 8 + j] = -G[(e * 10) * 8 + j]!;
      h[e * 10] = -1;
      h[e * 10 + 1] = -1;
    }
    const one = solveQpBatch(qp, { threads: 1 });
    const two = solveQpBatch(qp, { threads: 2 });
    expect(one.status[3]).toBe('infeasible');
    expect(one.status[7]).toBe('infeasible');
    expect(compare(qp, two, one)).toBeLessThanOrEqual(1e-12);
  });

  it('rejects a negative or fractional thread count', () => {
    const qp = randomQp({ batch: 2, n: 3, nIneq: 2, nEq: 0, seed: 1 });
    expect(() => solveQpBatch(qp, { threads: -1 })).toThrow(ValueError);
    expect(() => solveQpBatch(qp, { threads: 1.5 })).toThrow(ValueError);
  });
});
