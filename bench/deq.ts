/**
 * `npm run bench -- deq`: forward solvers and backward modes of the DEQ layer
 * on one cell, f(z, x) = tanh(z W + x U + b), batch 64, hidden 128, input 128.
 * The cell is constructed (not trained): W symmetric with ||W||_2 = 0.95, a small input
 * injection (U entries ~ N(0, 0.04/128)) so tanh stays near its linear range:
 * the contraction factor is at most 0.95 and close to it at the fixed point,
 * a slow-but-convergent regime typical of DEQ cells. Prints one JSON object per case:
 *  - forward: iterations and time to reach relative residual 1e-4 per solver;
 *  - backward: time of the backward pass alone (median of repeats) for
 *    implicit (same Anderson solver, relTol 1e-4), phantom (k = 5, tau = 0.5) and JFB.
 * Flags: --repeats N (default 5), --contraction c (default 0.95).
 */
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src/backend.js';
import { deq, solveFixedPoint, type DeqBackwardMode, type FixedPointSolverName } from '../src/deq/index.js';

function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(n: number, rand: () => number, scale = 1): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = scale * Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
  return out;
}

/** Rescales a row-major square matrix to spectral norm `target` (power iteration, float64). */
function withSpectralNorm(w: Float32Array, n: number, target: number): Float32Array {
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

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export async function main(args: string[]): Promise<void> {
  const flag = (name: string, dflt: number) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? Number(args[i + 1]) : dflt;
  };
  const repeats = flag('repeats', 5);
  const contraction = flag('contraction', 0.95);
  const backend = await selectBackend();
  const batch = 64;
  const hidden = 128;
  const inputDim = 128;
  const rand = seeded(42);
  // Symmetric W (spectral radius = spectral norm): its top eigenvalue sets the
  // plain iteration's linear rate to about `contraction`.
  const g = gaussian(hidden * hidden, rand);
  const sym = new Float32Array(hidden * hidden);
  for (let i = 0; i < hidden; i++) for (let j = 0; j < hidden; j++) sym[i * hidden + j] = g[i * hidden + j]! + g[j * hidden + i]!;
  const W = tf.variable(tf.tensor2d(withSpectralNorm(sym, hidden, contraction), [hidden, hidden]));
  const U = tf.variable(tf.tensor2d(gaussian(inputDim * hidden, rand, 0.2 / Math.sqrt(inputDim)), [inputDim, hidden]));
  const b = tf.variable(tf.tensor1d(gaussian(hidden, rand, 0.1)));
  const x = tf.tensor2d(gaussian(batch * inputDim, rand), [batch, inputDim]);
  const c = tf.tensor2d(gaussian(batch * hidden, rand), [batch, hidden]);
  const cell = (z: tf.Tensor2D, xx: tf.Tensor2D) => tf.tanh(tf.add(tf.add(tf.matMul(z, W), tf.matMul(xx, U)), b)) as tf.Tensor2D;
  const common = { backend: backend.backend, batch, hidden, contraction, cell: 'constructed: tanh(zW + xU + b), W symmetric, ||W||_2 = contraction' };

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
    console.log(JSON.stringify({ bench: 'deq', case: 'forward', solver, ...common, relTol: 1e-4, iterations, converged, maxRelativeResidual: worst, msMedian: Number(median(times).toFixed(2)) }));
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
        case: 'backward',
        mode,
        ...common,
        forwardSolver: 'anderson',
        backwardIterations: mode === 'implicit' ? backwardIterations : null,
        forwardMsMedian: Number(median(forward).toFixed(2)),
        backwardMsMedian: Number(median(backward).toFixed(2)),
      }),
    );
  }
  tf.dispose([W, U, b, x, c, z0]);
}
