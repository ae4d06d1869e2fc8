import type { Cummax } from '../atoms/cummax.js';
import { axisLines } from '../atoms/axis_lines.js';
import type { Canonicalizer } from './canonicalizer.js';
import { minus, nonnegCone } from './tensor_algebra.js';
import { linearMap } from './tensor_pick.js';

/**
 * Y >= cummax(X) entrywise  <=  Y >= X and Y_i >= Y_(i-1) along each line:
 * then Y_i >= max(X_0..X_i) by induction, and Y = cummax(X) is feasible
 * (the epigraph is exact at the least Y).
 */
export const cummaxCanon: Canonicalizer<Cummax> = (atom, [x], vars) => {
  const y = vars.newVariable(atom.size);
  const { len, stride, starts } = axisLines(atom.args[0]!.shape, atom.axis, 'cummax');
  const terms: { input: number; out: number; coef: number }[] = [];
  let row = 0;
  for (const s of starts) {
    for (let i = 1; i < len; i++) {
      terms.push({ input: s + i * stride, out: row, coef: 1 }, { input: s + (i - 1) * stride, out: row, coef: -1 });
      row++;
    }
  }
  const constraints = [nonnegCone(minus(y, x!))];
  if (row > 0) constraints.push(nonnegCone(linearMap(y, row, terms)));
  return { expr: y, constraints };
};
