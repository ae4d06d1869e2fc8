/**
 * Convex approximate dynamic programming (Agrawal et al., "Differentiable
 * Convex Optimization Layers", 2019, stochastic control example).
 *
 * Dynamics x_{t+1} = A x_t + B u_t + w_t, w_t ~ N(0, sigma^2 I), stage cost
 * |x_t|^2 + |u_t|^2, and the ADP policy
 *   phi(x) = argmin_u |u|^2 + |S (A x + B u)|^2  s.t.  |u|_2 <= 1,
 * where S'S approximates the value function's matrix. S is the learnable
 * parameter (initialized from the LQR Riccati solution). For DPP, the term
 * S A x enters as its own parameter v (computed, differentiably, outside the
 * layer): |v + (S B) u|^2 is parameter-affine times parameter-free.
 */
import * as tf from '@tensorflow/tfjs';
import { Problem, constant, minimize, norm2, parameter, sumSquares, variable } from 'optlayers/dsl';
import { ConvexLayer } from 'optlayers';
import type { SeededRandom } from '../common/random.js';
import { solveBallQp, type ReferencePolicy } from './adp_reference.js';
import { choleskyFactorTransposed, identity, matMul, solveDare, transpose } from './lqr.js';

export interface AdpSystem {
  readonly n: number;
  readonly m: number;
  /** n x n row-major. */
  readonly A: Float64Array;
  /** n x m row-major. */
  readonly B: Float64Array;
  readonly noise: number;
}

/** Shape of a random ADP system; defaults follow the paper's experiment (n = 2 states, m = 3 inputs). */
export interface AdpSystemSpec {
  readonly n?: number;
  readonly m?: number;
  /** Standard deviation of the process noise (default 0.5). */
  readonly noise?: number;
  /** Spectral radius A is scaled to (default 1.05: mildly unstable open loop). */
  readonly radius?: number;
  /** Standard deviation of B's entries (default 0.5). */
  readonly inputScale?: number;
}

/** A random system x+ = Ax + Bu + w with A scaled to the given spectral radius. */
export function randomAdpSystem(rng: SeededRandom, spec: AdpSystemSpec = {}): AdpSystem {
  const { n = 2, m = 3, noise = 0.5, radius = 1.05, inputScale = 0.5 } = spec;
  const A = rng.normals(n * n);
  const scale = radius / spectralRadius(A, n);
  for (let i = 0; i < A.length; i++) A[i]! *= scale;
  const B = rng.normals(n * m, inputScale);
  return { n, m, A, B, noise };
}

/** The system of `npm run example:adp`: spectral radius 1, weak inputs, noise 0.5. */
export const ADP_EXAMPLE_SYSTEM: AdpSystemSpec = { noise: 0.5, radius: 1.0, inputScale: 0.2 };

/** S with S'S = P_lqr, the Riccati solution for Q = I, R = I. */
export function lqrValueFactor(sys: AdpSystem): Float64Array {
  const P = solveDare(sys.A, sys.B, identity(sys.n), identity(sys.m), sys.n, sys.m);
  return choleskyFactorTransposed(P, sys.n);
}

export interface AdpPolicy {
  readonly layer: ConvexLayer;
  readonly system: AdpSystem;
}

/** Builds the policy's convex layer; its parameters are [S (n x n), v (n)] and it returns u (m). */
export function buildAdpPolicy(sys: AdpSystem): AdpPolicy {
  const u = variable(sys.m, 'u');
  const S = parameter([sys.n, sys.n], { name: 'S' });
  const v = parameter([sys.n], { name: 'v' });
  const SB = S.matmul(constant(rowsOf(sys.B, sys.n, sys.m)));
  const problem = new Problem(minimize(sumSquares(u).add(sumSquares(v.add(SB.matmul(u))))), [norm2(u).le(1)]);
  // Training needs gradients, not 1e-8 solutions: 1e-6 keeps SCS (no acceleration in this build) fast.
  const layer = new ConvexLayer(problem, { parameters: [S, v], variables: [u], tol: 1e-6 });
  return { layer, system: sys };
}

/**
 * Average stage cost of rollouts under the policy with value factor `S`
 * (a tensor or variable, n x n): x0 is batch x n, noise is T x batch x n.
 * Differentiable with respect to S through the convex layer.
 */
export function rolloutCost(policy: AdpPolicy, S: tf.Tensor2D, x0: tf.Tensor2D, noise: tf.Tensor3D): tf.Scalar {
  return tf.tidy(() => {
    const { A, B, n, m } = policy.system;
    const At = tf.tensor2d(Float32Array.from(A), [n, n]).transpose();
    const Bt = tf.tensor2d(Float32Array.from(B), [n, m]).transpose();
    const T = noise.shape[0];
    const batch = x0.shape[0];
    let x: tf.Tensor2D = x0;
    let total: tf.Scalar = tf.scalar(0);
    for (let t = 0; t < T; t++) {
      const Ax = x.matMul(At);
      const v = Ax.matMul(S.transpose()) as tf.Tensor2D;
      const [u] = policy.layer.apply([S, v]) as [tf.Tensor2D];
      total = total.add(x.square().sum()).add(u.square().sum());
      x = Ax.add(u.matMul(Bt)).add(noise.slice([t, 0, 0], [1, batch, n]).reshape([batch, n]));
    }
    return total.div(T * batch);
  });
}

/** Seeded initial states (batch x n, standard normal) and noise (T x batch x n, std sigma). */
export function sampleRollouts(rng: SeededRandom, sys: AdpSystem, batch: number, horizon: number): { x0: tf.Tensor2D; noise: tf.Tensor3D } {
  return {
    x0: tf.tensor2d(Float32Array.from(rng.normals(batch * sys.n)), [batch, sys.n]),
    noise: tf.tensor3d(Float32Array.from(rng.normals(horizon * batch * sys.n, sys.noise)), [horizon, batch, sys.n]),
  };
}

function rowsOf(m: Float64Array, rows: number, cols: number): number[][] {
  return Array.from({ length: rows }, (_, i) => Array.from(m.subarray(i * cols, (i + 1) * cols)));
}

/** Spectral radius by Gelfand's formula rho(A) = lim |A^k|^(1/k), with k = 2^8 by repeated squaring (renormalized). */
function spectralRadius(a: Float64Array, n: number): number {
  let power: Float64Array = Float64Array.from(a);
  let logScale = 0;
  for (let s = 0; s < 8; s++) {
    power = matMul(power, power, n, n, n);
    logScale *= 2;
    let norm = 0;
    for (const v of power) norm = Math.max(norm, Math.abs(v));
    for (let i = 0; i < power.length; i++) power[i]! /= norm;
    logScale += Math.log(norm);
  }
  return Math.exp(logScale / 256);
}

/**
 * The S-policy in float64 (exact ball-QP solve, `solveBallQp`): with
 * v = S A x and K = S B, |u|^2 + |v + K u|^2 = u'(I + K'K)u + 2 v'K u + const,
 * so H = 2 (I + K'K) and g = 2 K' v.
 */
export function sReferencePolicy(sys: AdpSystem, S: Float64Array): ReferencePolicy {
  const { n, m } = sys;
  const K = matMul(S, sys.B, n, n, m);
  const H = matMul(transpose(K, n, m), K, m, n, m);
  for (let i = 0; i < m * m; i++) H[i] *= 2;
  for (let i = 0; i < m; i++) H[i * m + i] += 2;
  const SA = matMul(S, sys.A, n, n, n);
  return (x) => {
    const v = matMul(SA, x, n, n, 1);
    const g = matMul(transpose(K, n, m), v, m, n, 1);
    for (let i = 0; i < m; i++) g[i] *= 2;
    return solveBallQp(H, g, m).u;
  };
}
