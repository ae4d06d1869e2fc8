/**
 * The known-answer suite is meant to exercise every cone SCS receives. This
 * file compiles (without solving) one representative of each problem family
 * used in the suite and checks which cones its compiled form contains, so a
 * canonicalization that silently changed cone (or stopped using one) shows up.
 */
import { describe, expect, it } from 'vitest';
import {
  abs,
  compileProblem,
  entr,
  exp,
  huber,
  invPos,
  klDiv,
  log,
  logistic,
  logSumExp,
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
  Problem,
  quadForm,
  quadOverLin,
  soc,
  sqrt,
  square,
  sum,
  sumLargest,
  sumSquares,
  variable,
  type Expression,
} from '../../../dsl/index.js';
import type { ConeDims } from '../../../solvers/cone_program.js';

type ConeKind = 'zero' | 'nonneg' | 'soc' | 'exp' | 'power';

function conesOf(dims: ConeDims): Set<ConeKind> {
  const kinds = new Set<ConeKind>();
  if (dims.zero > 0) kinds.add('zero');
  if (dims.nonneg > 0) kinds.add('nonneg');
  if (dims.soc.length > 0) kinds.add('soc');
  if (dims.exp > 0) kinds.add('exp');
  if (dims.power.length > 0) kinds.add('power');
  return kinds;
}

const x = variable(3, 'x');
const t = variable([], 't');

/** Each case: a term as used in the suite, whether it is minimized, and the cone its graph form must use. */
const cases: { name: string; term: () => Expression; sense: 'min' | 'max'; cone: ConeKind }[] = [
  { name: 'abs', term: () => sum(abs(x.sub([1, 2, 3]))), sense: 'min', cone: 'nonneg' },
  { name: 'pos + neg', term: () => sum(pos(x).add(neg(x))), sense: 'min', cone: 'nonneg' },
  { name: 'maximum', term: () => sum(maximum(x, [0, 1, 2])), sense: 'min', cone: 'nonneg' },
  { name: 'minimum', term: () => sum(minimum(x, [0, 1, 2])), sense: 'max', cone: 'nonneg' },
  { name: 'max', term: () => max(x), sense: 'min', cone: 'nonneg' },
  { name: 'min', term: () => min(x), sense: 'max', cone: 'nonneg' },
  { name: 'sumLargest', term: () => sumLargest(x, 2), sense: 'min', cone: 'nonneg' },
  { name: 'norm1', term: () => norm1(x), sense: 'min', cone: 'nonneg' },
  { name: 'normInf', term: () => normInf(x), sense: 'min', cone: 'nonneg' },
  { name: 'norm2', term: () => norm2(x), sense: 'min', cone: 'soc' },
  { name: 'sumSquares', term: () => sumSquares(x), sense: 'min', cone: 'soc' },
  { name: 'square', term: () => sum(square(x)), sense: 'min', cone: 'soc' },
  { name: 'quadOverLin', term: () => quadOverLin(x, t), sense: 'min', cone: 'soc' },
  { name: 'quadForm', term: () => quadForm(x, [[2, 0, 0], [0, 1, 0], [0, 0, 3]]), sense: 'min', cone: 'soc' },
  { name: 'huber', term: () => sum(huber(x)), sense: 'min', cone: 'soc' },
  { name: 'sqrt', term: () => sum(sqrt(x)), sense: 'max', cone: 'soc' },
  { name: 'invPos', term: () => sum(invPos(x)), sense: 'min', cone: 'soc' },
  { name: 'entr', term: () => sum(entr(x)), sense: 'max', cone: 'exp' },
  { name: 'klDiv', term: () => sum(klDiv(x, [1, 2, 3])), sense: 'min', cone: 'exp' },
  { name: 'logSumExp', term: () => logSumExp(x), sense: 'min', cone: 'exp' },
  { name: 'logistic', term: () => sum(logistic(x)), sense: 'min', cone: 'exp' },
  { name: 'exp', term: () => sum(exp(x)), sense: 'min', cone: 'exp' },
  { name: 'log', term: () => sum(log(x)), sense: 'max', cone: 'exp' },
  { name: 'power 3', term: () => sum(power(x, 3)), sense: 'min', cone: 'power' },
  { name: 'power 1.5', term: () => sum(power(x, 1.5)), sense: 'min', cone: 'power' },
  { name: 'power 0.3', term: () => sum(power(x, 0.3)), sense: 'max', cone: 'power' },
  { name: 'power -0.5', term: () => sum(power(x, -0.5)), sense: 'min', cone: 'power' },
];

describe('cone coverage of the known-answer families', () => {
  it.each(cases)('$name compiles to a program with a $cone cone', ({ term, sense, cone }) => {
    const objective = sense === 'min' ? minimize(term()) : maximize(term());
    const compiled = compileProblem(new Problem(objective));
    expect([...conesOf(compiled.cones)], `cones of ${term()}`).toContain(cone);
  });

  it('equalities use the zero cone, inequalities the nonnegative cone, soc() a second-order cone', () => {
    const compiled = compileProblem(new Problem(minimize(t), [sum(x).eq(1), x.ge(0), soc(t, x.sub([1, 1, 1]))]));
    const kinds = conesOf(compiled.cones);
    for (const k of ['zero', 'nonneg', 'soc'] as const) expect([...kinds]).toContain(k);
  });

  it('quadObjective keeps sumSquares as P and needs no second-order cone', () => {
    const compiled = compileProblem(new Problem(minimize(sumSquares(x.sub([1, 2, 3])))), { quadObjective: true });
    expect(compiled.quadratic).toBe(true);
    expect(compiled.pPattern, 'P is present').toBeDefined();
    expect(compiled.cones.soc.length).toBe(0);
  });
});
