/**
 * Learning an MPC controller's model by imitation (in the spirit of Amos et
 * al., "Differentiable MPC for End-to-end Planning and Control", 2018): an
 * expert runs MPC on a point mass with unknown damping c* and mass m*; the
 * learner's MPC is a ConvexLayer whose dynamics parameters A(c), B(m) are
 * built differentiably in tfjs, and (c, m) are fitted so that the learner's
 * first planned input matches the expert's on states from the expert's
 * closed-loop trajectories.
 */
import * as tf from '@tensorflow/tfjs';
import { ConvexLayer } from 'optlayers';
import type { SeededRandom } from '../common/random.js';
import { runClosedLoop } from './closed_loop.js';
import { pointMass2d, type SystemBounds } from './linear_system.js';
import { buildMpc } from './mpc_problem.js';

export interface ImitationData {
  /** batch x nx states visited by the expert. */
  readonly states: tf.Tensor2D;
  /** batch x nu first inputs the expert applied there. */
  readonly actions: tf.Tensor2D;
}

export interface LearnedMpcSetup {
  readonly dt: number;
  readonly bounds: SystemBounds;
  readonly horizon: number;
  readonly stateWeights: readonly number[];
  readonly inputWeight: number;
}

/** Physical parameters of the point mass. */
export interface PointMassParameters {
  readonly damping: number;
  readonly mass: number;
}

/** Runs the expert's closed loop from `starts` random initial states for `steps` steps and collects (state, input) pairs. */
export function expertDemonstrations(setup: LearnedMpcSetup, expert: PointMassParameters, rng: SeededRandom, starts: number, steps: number): ImitationData {
  const system = pointMass2d(setup.dt, expert.damping, expert.mass);
  const mpc = buildMpc({ ...setup, system });
  const states: number[] = [];
  const actions: number[] = [];
  for (let k = 0; k < starts; k++) {
    const start = [rng.between(-5, 5), rng.between(-5, 5), rng.between(-1, 1), rng.between(-1, 1)];
    const run = runClosedLoop(mpc, system, start, setup.stateWeights, setup.inputWeight, { steps, eps: 1e-9 });
    for (let t = 0; t < steps; t++) {
      states.push(...run.states[t]!);
      actions.push(...run.inputs[t]!);
    }
  }
  const n = starts * steps;
  return {
    states: tf.tensor2d(Float32Array.from(states), [n, system.nx]),
    actions: tf.tensor2d(Float32Array.from(actions), [n, system.nu]),
  };
}

/** The learner: an MPC layer with parameters [x0 (batched), A, B (shared)] returning the planned inputs U. */
export function learnerLayer(setup: LearnedMpcSetup): ConvexLayer {
  const mpc = buildMpc({ ...setup, system: pointMass2d(setup.dt), learnableDynamics: true });
  return new ConvexLayer(mpc.problem, { parameters: [mpc.x0, mpc.dynamics!.A, mpc.dynamics!.B] , variables: [mpc.U] });
}

/**
 * A(c) and B(m) of `pointMass2d` as differentiable tensors of scalar tensors
 * c (damping) and m (mass): A = A0 - c dt E_v, B = B0 / m.
 */
export function pointMassMatrices(dt: number, damping: tf.Scalar, mass: tf.Scalar): { A: tf.Tensor2D; B: tf.Tensor2D } {
  return tf.tidy(() => {
    const base = pointMass2d(dt);
    const velocityDiagonal = tf.tensor2d([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1], [4, 4]);
    const A = tf.tensor2d(Float32Array.from(base.A), [4, 4]).sub(velocityDiagonal.mul(damping.mul(dt))) as tf.Tensor2D;
    const B = tf.tensor2d(Float32Array.from(base.B), [4, 2]).div(mass) as tf.Tensor2D;
    return { A, B };
  });
}

/** Mean squared difference between the learner's first planned input and the expert's. */
export function imitationLoss(layer: ConvexLayer, setup: LearnedMpcSetup, damping: tf.Scalar, mass: tf.Scalar, data: ImitationData): tf.Scalar {
  return tf.tidy(() => {
    const { A, B } = pointMassMatrices(setup.dt, damping, mass);
    const [U] = layer.apply([data.states, A, B]) as [tf.Tensor3D];
    const batch = U.shape[0];
    const first = U.slice([0, 0, 0], [batch, 1, U.shape[2]]).reshape([batch, U.shape[2]]);
    return first.sub(data.actions).square().mean() as tf.Scalar;
  });
}
