import { Problem, compileProblem, constant, minimize, norm, parameter, sum, sumSquares, variable } from 'optlayers/dsl';
import { initSolvers } from 'optlayers/solvers';
import type { TourSection } from './sections.js';

/**
 * Tour: the DSL on its own. A nonnegative, budget-constrained least-squares
 * fit with an l1 penalty whose data b is a parameter:
 *
 *   minimize |A x - b|^2 + 0.1 |x|_1   s.t.  x >= 0,  sum(x) <= 1.
 *
 * The problem is checked (DCP/DPP), compiled once into sparse maps from the
 * parameters to the solver data, solved (a QP, so by the interior point
 * route), then re-solved for a new b without recompiling.
 */
export const dslSection: TourSection = {
  title: 'DSL: a parametrized least-squares problem, solved and re-solved without recompiling',
  async run() {
    await initSolvers();
    const A = [
      [1, 0.5, 0],
      [0, 1, 0.5],
      [0.5, 0, 1],
      [1, 1, 1],
    ];
    const b = parameter(4, { name: 'b' });
    const x = variable(3, { name: 'x' });
    const budget = sum(x).le(1);
    const problem = new Problem(minimize(sumSquares(constant(A).matmul(x).sub(b)).add(norm(x, 1).mul(0.1))), [x.ge(0), budget]);
    console.log(`  ${problem.toString().split('\n').join('\n  ')}`);
    console.log(`  DCP: ${problem.isDcp()}, DPP: ${problem.isDpp()}`);
    const compiled = compileProblem(problem);
    console.log(
      `  conic form: ${compiled.n} solver variables, ${compiled.m} cone rows (${compiled.cones.nonneg} nonneg, ` +
        `SOC sizes [${compiled.cones.soc.join(', ')}]), theta of size ${compiled.thetaSize}`,
    );
    const fmt = (v: number[]) => `[${v.map((t) => t.toFixed(4)).join(', ')}]`;
    for (const bv of [
      [0.6, 0.3, 0.2, 0.9],
      [0.1, 0.8, 0.4, 1.2],
    ]) {
      b.value = bv;
      // `tol` is the tolerance knob everywhere (problem.solve, ConvexLayer, qp()); epsAbs/epsRel give fine control.
      const r = problem.solve({ tol: 1e-7, warmStart: true });
      // After a solve, x.value is a Value: toArray() gives a plain number[] (number[][] for a matrix), at(i) one entry.
      console.log(
        `  b = ${fmt(bv)}: ${r.status}, value ${r.value.toFixed(6)}, x = ${fmt(x.value!.toArray() as number[])}, ` +
          `budget dual ${budget.dualValue!.at().toFixed(4)} (${r.solver === 'qp' ? 'interior point' : 'SCS'}, ${r.iterations} iterations)`,
      );
    }
    // One compilation per form: the conic form printed above, and the QP form (P kept) that solve({solver: 'auto'}) uses for LPs/QPs.
    console.log(`  compilations: ${problem.compileCount} (one per form; re-solving only re-evaluated the sparse parameter map)`);
  },
};
