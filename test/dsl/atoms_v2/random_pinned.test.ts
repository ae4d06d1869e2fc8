/**
 * For random arguments, the canonical cone program of each issue-12 atom,
 * with its arguments pinned by equality constraints, attains the atom's
 * numeric value (epigraph / hypograph exact): the canonicalizer and the
 * numeric evaluation are two independent routes to the same number.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type Expression,
  Problem,
  cummax,
  dotsort,
  geoMean,
  harmonicMean,
  invProd,
  log1p,
  logNormcdf,
  maximize,
  minimize,
  mixedNorm,
  pnorm,
  ptp,
  relEntr,
  std,
  sum,
  tv,
  variable,
  variance,
  xexp,
} from '../../../dsl/index.js';
import { initSolvers } from '../../../solvers/init.js';
import { normals } from '../../src/convex/convex_fixtures.js';

beforeAll(async () => {
  await initSolvers();
});

type Build = (x: Expression, pos: Expression, r: () => number) => Expression;
const ATOMS: [string, Build][] = [
  ['geoMean', (_x, p, r) => geoMean(p, [0, 1, 2, 3, 4, 5].map(() => Math.abs(r()) + 0.1))],
  ['pnorm', (x, _p, r) => pnorm(x, 1.2 + 4 * Math.abs(r()))],
  ['pnorm axis', (x, _p, r) => pnorm(x.reshape([2, 3]), 1.5 + Math.abs(r()), 1)],
  ['harmonicMean', (_x, p) => harmonicMean(p)],
  ['invProd', (_x, p) => invProd(p.slice(0, 3))],
  ['cummax', (x, _p, r) => cummax(x.reshape([2, 3]), r() > 0 ? 0 : 1)],
  ['log1p', (x) => log1p(x.mul(0.3))],
  ['xexp', (_x, p) => xexp(p)],
  ['relEntr', (x, p) => relEntr(p, p.add(x.mul(0.2)).add(1))],
  ['logNormcdf', (x) => logNormcdf(x.mul(2))],
  ['dotsort', (x, _p, r) => dotsort(x, [r(), r(), r()])],
  ['tv 2-D', (x) => tv(x.reshape([2, 3]), x.reshape([2, 3]).mul(-0.5))],
  ['ptp axis', (x) => ptp(x.reshape([3, 2]), 0)],
  ['std, variance', (x) => std(x, 1).add(variance(x.reshape([2, 3]), 0, { axis: 1 }).sum())],
  ['mixedNorm', (x, _p, r) => mixedNorm(x.reshape([3, 2]), 1.5 + Math.abs(r()), r() > 0 ? 1 : 'inf')],
];

describe('random pinned arguments: cone program value == atom value', () => {
  for (const [name, build] of ATOMS) {
    it(name, () => {
      const r = normals(name.length * 7919 + 17);
      for (let trial = 0; trial < 3; trial++) {
        const xv = Array.from({ length: 6 }, () => r());
        const pv = Array.from({ length: 6 }, () => 0.2 + Math.abs(r()));
        const x = variable(6, 'x');
        const p = variable(6, 'p');
        const e = sum(build(x, p, r));
        const pins = [x.eq(xv), p.eq(pv)];
        const probe = new Problem(minimize(e), pins);
        const problem = probe.isDcp() ? probe : new Problem(maximize(e), pins);
        expect(problem.isDcp(), `${name}: DCP one way`).toBe(true);
        const result = problem.solve({ epsAbs: 1e-9, epsRel: 1e-9, maxIters: 100_000 });
        expect(result.status, `${name} trial ${trial}`).toBe('optimal');
        const expected = e.value!.at();
        expect(Math.abs(result.value - expected), `${name} trial ${trial}: ${result.value} vs ${expected}`).toBeLessThan(1e-6 * Math.max(1, Math.abs(expected)));
      }
    });
  }
});
