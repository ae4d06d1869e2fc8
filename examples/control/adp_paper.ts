/**
 * The convex ADP instance of the cvxpylayers paper (Agrawal et al.,
 * "Differentiable Convex Optimization Layers", NeurIPS 2019, section 6 and
 * the repository's examples/torch/convex_approximate_dynamic_programming):
 *   n = 2, m = 3, A = I + 0.01 randn, B = (0.01 / 3) randn (numpy seed 1),
 *   Q = I, R = I, x_0 = 0, noise w_t = 0.2 randn, horizon T = 25, 8 rollouts,
 * and the control-Lyapunov policy
 *   phi(x) = argmin_u 1/2 |P^{1/2} u|^2 + x' P21 u + q'u  s.t.  |u|_2 <= 1,
 * with parameters P^{1/2} (m x m), P21 (n x m) and q (m) initialized from LQR
 * ignoring the constraint: P^{1/2} = sqrtm(R + B'PB), P21 = A'PB, q = 0
 * (the unconstrained minimizer is then the LQR input -(R + B'PB)^{-1} B'PA x).
 * Trained by SGD (step 0.02, momentum 0.9) for 100 iterations, each on the
 * same noise sample: the paper's plot is this training loss on one fixed
 * sample, not a held-out cost.
 */
import * as tf from '@tensorflow/tfjs';
import { Problem, minimize, norm2, parameter, sumSquares, variable } from 'optlayers/dsl';
import { ConvexLayer } from 'optlayers';
import { symmetricSqrt } from './adp_linalg.js';
import type { AdpSystem } from './adp_policy.js';
import { solveBallQp, type ReferencePolicy } from './adp_reference.js';
import { identity, matMul, solveDare, transpose } from './lqr.js';

/**
 * A and B exactly as numpy makes them: `np.random.seed(1)`, then
 * `np.eye(2) + 1e-2 * np.random.randn(2, 2)` and `1e-2 / 3 * np.random.randn(2, 3)`
 * (the first ten standard normals of MT19937 seed 1 are 1.62434536,
 * -0.61175641, -0.52817175, -1.07296862, 0.86540763, -2.3015387,
 * 1.74481176, -0.7612069, 0.3190391, -0.24937038).
 */
export const PAPER_SYSTEM: AdpSystem = {
  n: 2,
  m: 3,
  A: Float64Array.from([1.0162434536366325, -0.006117564136500754, -0.005281717522634557, 0.9892703137784383]),
  B: Float64Array.from([0.0028846920977489286, -0.007671795656267609, 0.005816039214054934, -0.0025373563363170096, 0.001063463653523662, -0.0008312345849247004]),
  noise: 0.2,
};

/** The paper's training set-up (`npm run example:adp -- --instance paper`). */
export const PAPER_TRAINING = { horizon: 25, batch: 8, iterations: 100, learningRate: 0.02, momentum: 0.9 } as const;

/** Parameters of the paper's policy, row-major float64: P^{1/2} (m x m), P21 (n x m), q (m). */
export interface PaperPolicyParams {
  readonly Psqrt: Float64Array;
  readonly P21: Float64Array;
  readonly q: Float64Array;
}

/** The LQR initialization (Q = I, R = I): P^{1/2} = sqrtm(R + B'PB), P21 = A'PB, q = 0. */
export function paperLqrInit(sys: AdpSystem): PaperPolicyParams {
  const { n, m, A, B } = sys;
  const P = solveDare(A, B, identity(n), identity(m), n, m);
  const PB = matMul(P, B, n, n, m);
  const H = matMul(transpose(B, n, m), PB, m, n, m);
  for (let i = 0; i < m; i++) H[i * m + i] += 1;
  return { Psqrt: symmetricSqrt(H, m), P21: matMul(transpose(A, n, n), PB, n, n, m), q: new Float64Array(m) };
}

/**
 * The policy's convex layer. Its parameters are [P^{1/2} (m x m), w (m)] with
 * w = P21' x + q computed (differentiably) outside the layer, which keeps the
 * problem DPP: 1/2 |P^{1/2} u|^2 + w'u. Returns u (m).
 */
export function buildPaperPolicy(sys: AdpSystem): ConvexLayer {
  const u = variable(sys.m, 'u');
  const Psqrt = parameter([sys.m, sys.m], { name: 'Psqrt' });
  const w = parameter([sys.m], { name: 'w' });
  const problem = new Problem(minimize(sumSquares(Psqrt.matmul(u)).mul(0.5).add(w.mul(u).sum())), [norm2(u).le(1)]);
  return new ConvexLayer(problem, { parameters: [Psqrt, w], variables: [u], tol: 1e-6 });
}

/** Tensors (or variables) of the paper's policy parameters. */
export interface PaperPolicyTensors {
  readonly Psqrt: tf.Tensor2D;
  readonly P21: tf.Tensor2D;
  readonly q: tf.Tensor1D;
}

/**
 * Average stage cost (1 / (T batch)) sum |x_t|^2 + |u_t|^2 of rollouts under
 * the paper's policy, differentiable in its parameters; x0 is batch x n,
 * noise T x batch x n.
 */
export function paperRolloutCost(layer: ConvexLayer, sys: AdpSystem, params: PaperPolicyTensors, x0: tf.Tensor2D, noise: tf.Tensor3D): tf.Scalar {
  return tf.tidy(() => {
    const { A, B, n, m } = sys;
    const At = tf.tensor2d(Float32Array.from(A), [n, n]).transpose();
    const Bt = tf.tensor2d(Float32Array.from(B), [n, m]).transpose();
    const T = noise.shape[0];
    const batch = x0.shape[0];
    let x: tf.Tensor2D = x0;
    let total: tf.Scalar = tf.scalar(0);
    for (let t = 0; t < T; t++) {
      const w = x.matMul(params.P21).add(params.q) as tf.Tensor2D;
      const [u] = layer.apply([params.Psqrt, w]) as [tf.Tensor2D];
      total = total.add(x.square().sum()).add(u.square().sum());
      x = x.matMul(At).add(u.matMul(Bt)).add(noise.slice([t, 0, 0], [1, batch, n]).reshape([batch, n]));
    }
    return total.div(T * batch);
  });
}

/** The paper's policy in float64 (exact ball-QP solve): H = P^{1/2}' P^{1/2}, g = P21' x + q. */
export function paperReferencePolicy(sys: AdpSystem, params: PaperPolicyParams): ReferencePolicy {
  const { n, m } = sys;
  const H = matMul(transpose(params.Psqrt, m, m), params.Psqrt, m, m, m);
  return (x) => {
    const g = Float64Array.from(params.q);
    for (let j = 0; j < m; j++) for (let i = 0; i < n; i++) g[j] += params.P21[i * m + j]! * x[i]!;
    return solveBallQp(H, g, m).u;
  };
}
