/**
 * `npm run bench -- deq [--repeats N] [--contraction c]`: forward solvers and
 * backward modes of the DEQ layer on one cell, f(z, x) = tanh(z W + x U + b),
 * batch 64, hidden 128, input 128 (`deqCell`, reproduced exactly by
 * bench/peers/deq_torchdeq.py).
 * The cell is constructed (not trained): W symmetric with ||W||_2 = 0.95, a small input
 * injection (U entries ~ N(0, 0.04/128)) so tanh stays near its linear range:
 * the contraction factor is at most 0.95 and close to it at the fixed point,
 * a slow-but-convergent regime typical of DEQ cells. Prints one JSON object per case:
 *  - forward: iterations and time to reach relative residual 1e-4 per solver;
 *  - backward: forward and backward time of one training step for implicit
 *    (same Anderson solver, relTol 1e-4), phantom (k = 5, tau = 0.5) and JFB.
 * Each time is over `--repeats` (default 5) runs after a warm-up: median,
 * quartiles, min and max (`timings`, milliseconds).
 */
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src/backend.js';
import { deq, solveFixedPoint, type DeqBackwardMode, type FixedPointSolverName } from '../src/deq/index.js';
import { benchRandom } from './common/bench_random.js';
import { positiveIntFlag, positiveNumberFlag } from './common/flags.js';
import { machineInfo } from './common/machine.js';
import { summarize } from './common/stats.js';

/** Seed of the cell's data (the peer uses the same). */
export const DEQ_SEED = 42;

/** Rescales a row-major square matrix to spectral norm `target` (300 power iterations, float64). */
function withSpectralNorm(w: Float64Array, n: number, target: number): Float64Array {
  let v = new Float64Array(n).fill(1 / Math.sqrt(n));
  let sigma = 1;
  for (let it = 0; it < 300; it++) {
    const u = new Float64Array(n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) u[i]! += w[i * n + j]! * v[j]!;
    const x = new Float64Array(n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) x[j]! += w[i * n + j]! * u[i]!;
    const norm = Math.hypot(...x);
    sigma = Math.sqrt(norm);
    v = x.map((e) => e / norm);
  }
  return w.map((e) => (e * target) / sigma);
}

/**
 * The benchmark cell's data in this draw order from `benchRandom(DEQ_SEED)`:
 * G (hidden^2 normals; W = (G + G') rescaled to ||W||_2 = contraction),
 * U (input x hidden normals x 0.2/sqrt(input)), b (hidden normals x 0.1),
 * x (batch x input normals), c (batch x hidden normals, the loss weights).
 */
export function deqCell(batch: number, hidden: number, inputDim: number, contraction: number) {
  const rng = benchRandom(DEQ_SEED);
  const normals = (n: number, scale = 1) => Float64Array.from({ length: n }, () => scale * rng.normal());
  const g = normals(hidden * hidden);
  const sym = new Float64Array(hidden * hidden);
  for (let i = 0; i < hidden; i++) for (let j = 0; j < hidden; j++) sym[i * hidden + j] = g[i * hidden + j]! + g[j * hidden + i]!;
  const W = withSpectralNorm(sym, hidden, contraction);
  const U = normals(inputDim * hidden, 0.2 / Math.sqrt(inputDim));
  const b = normals(hidden, 0.1);
  const x = normals(batch * inputDim);
  const c = normals(batch * hidden);
  return { W, U, b, x, c };
}

export async function main(args: string[]): Promise<void> {
  const repeats = positiveIntFlag(args, 'repeats', 5);
  const contraction = positiveNumberFlag(args, 'contraction', 0.95);
  const backend = await selectBackend();
  const batch = 64;
  const hidden = 128;
  const inputDim = 128;
  const data = deqCell(batch, hidden, inputDim, contraction);
  const W = tf.variable(tf.tensor2d(Float32Array.from(data.W), [hidden, hidden]));
  const U = tf.variable(tf.tensor2d(Float32Array.from(data.U), [inputDim, hidden]));
  const b = tf.variable(tf.tensor1d(Float32Array.from(data.b)));
  const x = tf.tensor2d(Float32Array.from(data.x), [batch, inputDim]);
  const c = tf.tensor2d(Float32Array.from(data.c), [batch, hidden]);
  const cell = (z: tf.Tensor2D, xx: tf.Tensor2D) => tf.tanh(tf.add(tf.add(tf.matMul(z, W), tf.matMul(xx, U)), b)) as tf.Tensor2D;
  const common = { impl: `optlayers/${backend.backend}`, backend: backend.backend, batch, hidden, contraction, repeats, cell: 'constructed: tanh(zW + xU + b), W symmetric, ||W||_2 = contraction' };

  const solvers: FixedPointSolverName[] = ['fixed_point', 'anderson', 'broyden'];
  const z0 = tf.zeros([batch, hidden]) as tf.Tensor2D;
  for (const solver of solvers) {
    const times: number[] = [];
    let iterations = 0;
    let converged = false;
    let worst = 0;
    for (let r = 0; r < repeats + 1; r++) {
      const t0 = performance.now();
      const res = solveFixedPoint((z) => cell(z, x), z0, { solver, maxIters: 1000, relTol: 1e-4, absTol: 0, memory: 6 });
      const ms = performance.now() - t0;
      if (r > 0) times.push(ms); // the first run warms up kernels
      iterations = res.stats.iterations;
      converged = res.stats.converged;
      worst = Math.max(...res.stats.relativeResidual);
      res.z.dispose();
    }
    console.log(JSON.stringify({ bench: 'deq', case: `deq_forward_${solver}`, kind: 'forward', solver, ...common, relTol: 1e-4, iterations, converged, maxRelativeResidual: worst, timings: { fwd_ms: summarize(times) }, machine: machineInfo() }));
  }

  const variables = [W, U, b];
  for (const mode of ['implicit', 'phantom', 'jfb'] as DeqBackwardMode[]) {
    const forward: number[] = [];
    const backward: number[] = [];
    let backwardIterations: number | null = null;
    for (let r = 0; r < repeats + 1; r++) {
      // wasm/cpu kernels run synchronously, so timestamps around the forward call and the gradient read split the two passes.
      let t1 = 0;
      const t0 = performance.now();
      const { value, grads } = tf.variableGrads(() => {
        const out = deq(cell, x, {
          variables,
          units: hidden,
          forward: { solver: 'anderson', relTol: 1e-4, absTol: 0, maxIters: 200 },
          backward: { mode, phantomSteps: 5, phantomDamping: 0.5, solver: { relTol: 1e-4, absTol: 0, maxIters: 200 } },
          onBackwardStats: (s) => (backwardIterations = s.iterations),
        });
        const loss = tf.sum(tf.mul(out.z, c)) as tf.Scalar;
        loss.dataSync();
        t1 = performance.now();
        return loss;
      }, variables);
      for (const g of Object.values(grads)) g.dataSync();
      const t2 = performance.now();
      if (r > 0) {
        forward.push(t1 - t0);
        backward.push(t2 - t1);
      }
      tf.dispose([value, ...Object.values(grads)]);
    }
    console.log(
      JSON.stringify({
        bench: 'deq',
        case: `deq_backward_${mode}`,
        kind: 'backward',
        mode,
        ...common,
        forwardSolver: 'anderson',
        backwardIterations: mode === 'implicit' ? backwardIterations : null,
        timings: { fwd_ms: summarize(forward), bwd_ms: summarize(backward), total_ms: summarize(forward.map((f, i) => f + backward[i]!)) },
        machine: machineInfo(),
      }),
    );
  }
  tf.dispose([W, U, b, x, c, z0]);
}
