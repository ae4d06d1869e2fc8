/**
 * Tour section: model predictive control written in the DSL. Builds a
 * 15-step MPC for a planar double integrator with input and velocity bounds,
 * compiles it once, and re-solves it for a few initial states.
 */
import { buildMpc } from '../control/mpc_problem.js';
import { doubleIntegrator2d } from '../control/linear_system.js';
import type { TourSection } from './sections.js';

export const mpcSection: TourSection = {
  title: 'Model predictive control written in the DSL (compiled once, re-solved per state)',
  async run() {
    const system = doubleIntegrator2d(0.1);
    const mpc = buildMpc({
      system,
      bounds: { uMax: 1, stateBounds: [{ index: 2, bound: 1 }, { index: 3, bound: 1 }] },
      horizon: 15,
      stateWeights: [1, 1, 0.1, 0.1],
      inputWeight: 0.1,
    });
    for (const x0 of [[4, -3, 0, 0.5], [-1, 2, 0.8, 0], [0.5, 0.5, -0.2, 0.1]]) {
      mpc.x0.value = x0;
      const t0 = performance.now();
      const result = mpc.problem.solve({ epsAbs: 1e-8, epsRel: 1e-8 });
      const ms = performance.now() - t0;
      const u0 = mpc.U.value!.data;
      console.log(`   x0 = [${x0.join(', ')}]: ${result.status}, cost ${result.value.toFixed(4)}, first input [${u0[0]!.toFixed(4)}, ${u0[1]!.toFixed(4)}] (${ms.toFixed(1)} ms)`);
    }
    console.log(`   compiled ${mpc.problem.compileCount} time(s) for 3 solves`);
  },
};
