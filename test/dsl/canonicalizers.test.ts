import { beforeAll, describe, expect, it } from 'vitest';
import {
  type AtomName,
  CANONICALIZERS,
  type Expression,
  Atom,
  Problem,
  abs,
  entr,
  exp,
  huber,
  invPos,
  klDiv,
  log,
  logSumExp,
  logistic,
  max,
  maximize,
  maximum,
  min,
  minimize,
  minimum,
  neg,
  norm1,
  norm2,
  normInf,
  pos,
  power,
  quadForm,
  quadOverLin,
  sqrt,
  square,
  sum,
  sumLargest,
  sumSquares,
  variable,
  geoMean,
  pnorm,
  harmonicMean,
  cummax,
  log1p,
  xexp,
  relEntr,
  logNormcdf,
  dotsort,
} from '../../dsl/index.js';
import { initSolvers } from '../../solvers/index.js';

beforeAll(async () => {
  await initSolvers();
});

const X = [0.7, -1.3, 0.4, 2.1];
const POSITIVE = [0.7, 1.3, 0.4, 2.1];
const Y = [1.5, 0.2, -0.6, 1.1];

/** One instance per atom (and per branch of power): how to build it from pinned variables. */
const cases: { name: string; atom: AtomName; build: (x: Expression, y: Expression, px: Expression, py: Expression) => Expression }[] = [
  { name: 'abs', atom: 'abs', build: (x) => abs(x) },
  { name: 'pos', atom: 'pos', build: (x) => pos(x) },
  { name: 'neg', atom: 'neg', build: (x) => neg(x) },
  { name: 'maximum', atom: 'maximum', build: (x, y) => maximum(x, y, 0.5) },
  { name: 'minimum', atom: 'minimum', build: (x, y) => minimum(x, y, 0.5) },
  { name: 'max', atom: 'max', build: (x) => max(x) },
  { name: 'min', atom: 'min', build: (x) => min(x) },
  { name: 'sumLargest k=2.5', atom: 'sumLargest', build: (x) => sumLargest(x, 2.5) },
  { name: 'norm1', atom: 'norm1', build: (x) => norm1(x) },
  { name: 'norm2', atom: 'norm2', build: (x) => norm2(x) },
  { name: 'norm2 (Frobenius)', atom: 'norm2', build: (x) => norm2(x.reshape([2, 2])) },
  { name: 'normInf', atom: 'normInf', build: (x) => normInf(x) },
  { name: 'sumSquares', atom: 'sumSquares', build: (x) => sumSquares(x) },
  { name: 'square', atom: 'square', build: (x) => square(x) },
  { name: 'quadOverLin', atom: 'quadOverLin', build: (x, _y, px) => quadOverLin(x, px.index(2)) },
  { name: 'quadForm PSD', atom: 'quadForm', build: (x) => quadForm(x.slice(0, 3), [[2, 1, 0], [1, 2, 0], [0, 0, 0]]) },
  { name: 'quadForm NSD', atom: 'quadForm', build: (x) => quadForm(x.slice(0, 2), [[-2, 1], [1, -1]]) },
  { name: 'huber', atom: 'huber', build: (x) => huber(x, 0.8) },
  { name: 'sqrt', atom: 'sqrt', build: (_x, _y, px) => sqrt(px) },
  { name: 'invPos', atom: 'invPos', build: (_x, _y, px) => invPos(px) },
  { name: 'power 2', atom: 'power', build: (x) => power(x, 2) },
  { name: 'power 0.5', atom: 'power', build: (_x, _y, px) => power(px, 0.5) },
  { name: 'power -1', atom: 'power', build: (_x, _y, px) => power(px, -1) },
  { name: 'power 3', atom: 'power', build: (x) => power(x, 3) },
  { name: 'power 1.5', atom: 'power', build: (x) => power(x, 1.5) },
  { name: 'power 0.3', atom: 'power', build: (_x, _y, px) => power(px, 0.3) },
  { name: 'power -0.5', atom: 'power', build: (_x, _y, px) => power(px, -0.5) },
  { name: 'power 1', atom: 'power', build: (x) => power(x, 1) },
  { name: 'exp', atom: 'exp', build: (x) => exp(x) },
  { name: 'log', atom: 'log', build: (_x, _y, px) => log(px) },
  { name: 'entr', atom: 'entr', build: (_x, _y, px) => entr(px) },
  { name: 'klDiv', atom: 'klDiv', build: (_x, _y, px, py) => klDiv(px, py) },
  { name: 'logSumExp', atom: 'logSumExp', build: (x) => logSumExp(x) },
  { name: 'logistic', atom: 'logistic', build: (x) => logistic(x) },
  { name: 'geoMean', atom: 'geoMean', build: (_x, _y, px) => geoMean(px, [1, 2, 0, 0.5]) },
  { name: 'pnorm 3', atom: 'pnorm', build: (x) => pnorm(x, 3) },
  { name: 'harmonicMean', atom: 'harmonicMean', build: (_x, _y, px) => harmonicMean(px) },
  { name: 'cummax (matrix, axis 1)', atom: 'cummax', build: (x) => cummax(x.reshape([2, 2]), 1) },
  { name: 'log1p', atom: 'log1p', build: (_x, _y, px) => log1p(px) },
  { name: 'xexp', atom: 'xexp', build: (_x, _y, px) => xexp(px) },
  { name: 'relEntr', atom: 'relEntr', build: (_x, _y, px, py) => relEntr(px, py) },
  { name: 'logNormcdf', atom: 'logNormcdf', build: (x) => logNormcdf(x) },
  { name: 'dotsort', atom: 'dotsort', build: (x) => dotsort(x, [2, -1, 0.5]) },
];

describe('canonicalizers', () => {
  it('every atom has a canonicalizer in the table, and every atom is exercised below', () => {
    const names: AtomName[] = [
      'abs', 'pos', 'neg', 'maximum', 'minimum', 'max', 'min', 'sumLargest', 'norm1', 'norm2', 'normInf', 'sumSquares', 'square',
      'quadOverLin', 'quadForm', 'huber', 'sqrt', 'invPos', 'power', 'exp', 'log', 'entr', 'klDiv', 'logSumExp', 'logistic',
      'geoMean', 'pnorm', 'harmonicMean', 'cummax', 'log1p', 'xexp', 'relEntr', 'logNormcdf', 'dotsort',
    ];
    expect(Object.keys(CANONICALIZERS).sort()).toEqual([...names].sort());
    for (const n of names) expect(typeof CANONICALIZERS[n]).toBe('function');
    // Each atom instance built by the cases reports a name that has a canonicalizer.
    const x = variable(4);
    for (const c of cases) {
      const e = c.build(x, x, x, x);
      expect(e).toBeInstanceOf(Atom);
      expect((e as Atom).atomName).toBe(c.atom);
      expect(CANONICALIZERS[(e as Atom).atomName]).toBeDefined();
    }
    expect(new Set(cases.map((c) => c.atom))).toEqual(new Set(names));
  });

  it.each(cases)('$name: the canonical cone program attains the atom value at pinned arguments', ({ build }) => {
    const x = variable(4, 'x');
    const y = variable(4, 'y');
    const px = variable(4, 'px');
    const py = variable(4, 'py');
    const atom = build(x, y, px, py);
    const objective = sum(atom);
    const pinned = [x.eq(X), y.eq(Y), px.eq(POSITIVE), py.eq([1.1, 0.5, 0.9, 3])];
    const probe = new Problem(minimize(objective), pinned);
    const convex = probe.isDcp();
    const problem = convex ? probe : new Problem(maximize(objective), pinned);
    expect(problem.isDcp()).toBe(true);
    const result = problem.solve({ epsAbs: 1e-9, epsRel: 1e-9 });
    expect(result.status).toBe('optimal');
    const expected = objective.value!.at();
    expect(Number.isFinite(expected)).toBe(true);
    expect(Math.abs(result.value - expected)).toBeLessThan(1e-6 * Math.max(1, Math.abs(expected)));
  });
});
