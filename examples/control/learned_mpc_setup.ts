/**
 * Learning MPC cost weights by imitation (inverse optimal control through a
 * differentiable convex layer, in the spirit of Amos et al., "Differentiable
 * MPC for End-to-end Planning and Control", 2018): an expert runs MPC with
 * unknown state weights q*; the learner's MPC layer maps (x0, q) to the
 * planned inputs, and q is fitted so the learner's first input matches the
 * expert's on states from the expert's closed-loop trajectories.
 */
import * as tf from '@tensorflow/tfjs';
import { ConvexLayer } from '../../src/convex/index.js';
import type { SeededRandom } from '../common/random.js';
import { runClosedLoop } from './closed_loop.js';
import type { LinearSystem, SystemBounds } from './linear_system.js';
import { buildMpc } from './mpc_problem.js';

export interface ImitationData {
  /** batch x nx states visited by the expert. */
  readonly states: tf.Tensor2D;
  /** batch x nu first inputs the expert applied there. */
  readonly actions: tf.Tensor2D;
}

export interface LearnedMpcSetup {
  readonly system: LinearSystem;
  readonly bounds: SystemBounds;
  readonly horizon: number;
  readonly inputWeight: number;
}

/** Runs the expert's closed loop from `starts` random initial states for `steps` steps and collects (state, input) pairs. */
export function expertDemonstrations(setup: LearnedMpcSetup, expertWeights: readonly number[], rng: SeededRandom, starts: number, steps: number): ImitationData {
  const expert = buildMpc({ ...setup, stateWeights: expertWeights });
  const states: number[] = [];
  const actions: number[] = [];
  for (let k = 0; k < starts; k++) {
    const start = [rng.between(-5, 5), rng.between(-5, 5), rng.between(-1, 1), rng.between(-1, 1)];
    const run = runClosedLoop(expert, setup.system, start, expertWeights, setup.inputWeight, { steps, eps: 1e-9 });
    for (let t = 0; t < steps; t++) {
      states.push(...run.states[t]!);
      actions.push(...run.inputs[t]!);
    }
  }
  const n = starts * steps;
  return {
    states: tf.tensor2d(Float32Array.from(states), [n, setup.system.nx]),
    actions: tf.tensor2d(Float32Array.from(actions), [n, setup.system.nu]),
  };
}

/** The learner: an MPC layer with parameters [x0 (batched), q (shared)] returning the planned inputs U. */
export function learnerLayer(setup: LearnedMpcSetup, initialWeights: readonly number[]): ConvexLayer {
  const mpc = buildMpc({ ...setup, stateWeights: initialWeights, learnableWeights: true });
  return new ConvexLayer(mpc.problem, { parameters: [mpc.x0, mpc.q!], variables: [mpc.U] });
}

/** Mean squared difference between the learner's first planned input and the expert's, with q = exp(logQ). */
export function imitationLoss(layer: ConvexLayer, logQ: tf.Tensor1D, data: ImitationData): tf.Scalar {
  return tf.tidy(() => {
    const [U] = layer.apply([data.states, logQ.exp()]) as [tf.Tensor3D];
    const batch = U.shape[0];
    const first = U.slice([0, 0, 0], [batch, 1, U.shape[2]]).reshape([batch, U.shape[2]]);
    return first.sub(data.actions).square().mean() as tf.Scalar;
  });
}
