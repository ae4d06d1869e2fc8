/**
 * `npm run example:convex-regression`: convex (max-affine) regression as a
 * layer. Given noisy samples (x_i, y_i) of a convex function, the least-squares
 * convex fit (Hildreth 1954; Boyd & Vandenberghe, Convex Optimization, sec.
 * 6.5.5) is the QP over fitted values yhat and subgradients g,
 *
 *   minimize  sum_i (yhat_i - y_i)^2 + rho |g|^2
 *   s.t.      yhat_j >= yhat_i + g_i (x_j - x_i)   for all i != j,
 *
 * written in the DSL with the observations y as the layer's parameter (a tiny
 * ridge rho pins down the end points' subgradients, which the data leave free).
 * Its solution defines the convex piecewise-affine function
 *   f(x) = max_i yhat_i + g_i (x - x_i),
 * which is evaluated on held-out points and compared with a least-squares
 * affine fit and with the true function (whose MSE against noisy labels is the
 * noise floor). The layer is differentiable in y: the script also reports the
 * gradient of the held-out MSE with respect to the observations, checked against
 * a central finite difference through the same layer.
 *
 * Writes out/convex_regression/results.json and fit.svg.
 * Flags: --n N training points (default 100), --test N (1000), --noise S (0.3), --seed S (1), --out DIR.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Problem, constant, matmul, minimize, parameter, sumSquares, variable } from 'optlayers/dsl';
import { ConvexLayer, init } from 'optlayers';
import { ProgressBar } from '../common/progress.js';
import { SeededRandom } from '../common/random.js';
import { renderSvg } from '../common/svg_plot.js';
import { integerFlag, numberFlag } from './numeric_flags.js';

const { values: flags } = parseArgs({
  options: {
    n: { type: 'string', default: '100' },
    test: { type: 'string', default: '1000' },
    noise: { type: 'string', default: '0.3' },
    seed: { type: 'string', default: '1' },
    out: { type: 'string', default: 'out/convex_regression' },
  },
});
const n = integerFlag('n', flags.n, 3);
const testCount = integerFlag('test', flags.test, 1);
const seed = integerFlag('seed', flags.seed, 0);
const noise = numberFlag('noise', flags.noise, 0, 100);
const rho = 1e-4;
const lo = -2;
const hi = 2;

/** The convex target: a kinked quadratic plus a softplus (smooth and non-smooth parts). */
const truth = (x: number): number => 0.5 * x * x + Math.abs(x - 0.5) + Math.log1p(Math.exp(2 * x)) - 2;

function samples(rng: SeededRandom, count: number): { x: number[]; y: number[] } {
  const x = Array.from({ length: count }, () => rng.between(lo, hi));
  return { x, y: x.map((v) => truth(v) + noise * rng.normal()) };
}

/** The convex regression QP as a layer y -> (yhat, g); the subgradient inequalities are one constant matrix each for yhat and g. */
function convexFitLayer(xs: readonly number[]): ConvexLayer {
  const yhat = variable(n, { name: 'yhat' });
  const g = variable(n, { name: 'g' });
  const y = parameter(n, { name: 'y' });
  const differences: number[][] = [];
  const slopes: number[][] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      const d = new Array<number>(n).fill(0);
      d[j] = 1;
      d[i] = -1;
      differences.push(d);
      const s = new Array<number>(n).fill(0);
      s[i] = xs[j]! - xs[i]!;
      slopes.push(s);
    }
  }
  const supporting = matmul(constant(differences), yhat).sub(matmul(constant(slopes), g)).ge(0);
  const problem = new Problem(minimize(sumSquares(yhat.sub(y)).add(sumSquares(g).mul(rho))), [supporting]);
  return new ConvexLayer(problem, { parameters: [y], variables: [yhat, g] });
}

/**
 * f(x) = max_i yhat_i + g_i (x - x_i), the max-affine function the fit defines (a tensor op, so it differentiates).
 * The gradient goes to one maximizing piece per point: knots on one segment of the fit carry identical affine
 * pieces, and tf.max would send the full gradient to every tied piece (counting it several times).
 */
function maxAffine(knots: tf.Tensor1D, yhat: tf.Tensor1D, g: tf.Tensor1D, at: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => {
    const pieces = tf.add(yhat.reshape([1, -1]), tf.mul(g.reshape([1, -1]), tf.sub(at.reshape([-1, 1]), knots.reshape([1, -1]))));
    const chosen = tf.oneHot(tf.argMax(pieces, 1), knots.shape[0]).toFloat();
    return tf.sum(tf.mul(pieces, chosen), 1) as tf.Tensor1D;
  });
}

/** Ordinary least squares y ~ a + b x (closed form). */
function affineFit(x: readonly number[], y: readonly number[]): { a: number; b: number } {
  const mx = x.reduce((s, v) => s + v, 0) / x.length;
  const my = y.reduce((s, v) => s + v, 0) / y.length;
  const sxy = x.reduce((s, v, i) => s + (v - mx) * (y[i]! - my), 0);
  const sxx = x.reduce((s, v) => s + (v - mx) ** 2, 0);
  return { b: sxy / sxx, a: my - (sxy / sxx) * mx };
}

const mse = (p: readonly number[], q: readonly number[]): number => p.reduce((s, v, i) => s + (v - q[i]!) ** 2, 0) / p.length;

async function main(): Promise<void> {
  const backend = await init();
  console.log(`backend: ${backend.backend} (${backend.source})`);
  const rng = new SeededRandom(seed);
  const train = samples(rng, n);
  const test = samples(rng, testCount);
  console.log(`convex regression on ${n} noisy samples (noise sd ${noise}) of a convex function on [${lo}, ${hi}]; ${test.x.length} held-out points`);
  const bar = new ProgressBar(3, 'convex regression');
  const layer = convexFitLayer(train.x);
  const knots = tf.tensor1d(train.x);
  const testX = tf.tensor1d(test.x);
  const testY = tf.tensor1d(test.y);
  const heldOutMse = (y: tf.Tensor1D): tf.Scalar =>
    tf.tidy(() => {
      const [yhat, g] = layer.apply([y]) as tf.Tensor1D[];
      return tf.mean(tf.square(tf.sub(maxAffine(knots, yhat!, g!, testX), testY))) as tf.Scalar;
    });
  const y = tf.tensor1d(train.y);
  const t0 = performance.now();
  const { value, grad } = tf.valueAndGrad(heldOutMse)(y);
  const seconds = (performance.now() - t0) / 1000;
  const statuses = [...(layer.lastStats?.statuses ?? [])];
  bar.update(1, 'fit + gradient');
  const [yhatT, gT] = tf.tidy(() => layer.apply([y]) as tf.Tensor1D[]);
  statuses.push(...(layer.lastStats?.statuses ?? []));
  const yhat = Array.from(yhatT!.dataSync());
  const g = Array.from(gT!.dataSync());

  // Central finite difference of the held-out MSE along the observation with the largest gradient (float32 layer: a loose check).
  const gradient = Array.from(grad.dataSync());
  const k = gradient.reduce((best, v, i) => (Math.abs(v) > Math.abs(gradient[best]!) ? i : best), 0);
  const h = 1e-2;
  const shifted = (sign: number): number => {
    const yy = tf.tensor1d(train.y.map((v, i) => (i === k ? v + sign * h : v)));
    const m = heldOutMse(yy);
    const out = m.dataSync()[0]!;
    tf.dispose([yy, m]);
    statuses.push(...(layer.lastStats?.statuses ?? []));
    return out;
  };
  const finiteDifference = (shifted(1) - shifted(-1)) / (2 * h);
  bar.update(2, 'finite-difference check');

  const fitAt = (x: number): number => Math.max(...yhat.map((v, i) => v + g[i]! * (x - train.x[i]!)));
  const affine = affineFit(train.x, train.y);
  const convexPred = test.x.map(fitAt);
  const affinePred = test.x.map((x) => affine.a + affine.b * x);
  const truePred = test.x.map(truth);
  const figures = {
    convexFit: { testMse: mse(convexPred, test.y), mseToTruth: mse(convexPred, truePred), trainMse: mse(yhat, train.y) },
    affineFit: { testMse: mse(affinePred, test.y), mseToTruth: mse(affinePred, truePred), intercept: affine.a, slope: affine.b },
    trueFunction: { testMse: mse(truePred, test.y) },
  };
  const grid = Array.from({ length: 201 }, (_, i) => lo + ((hi - lo) * i) / 200);
  bar.update(3, 'evaluated');
  console.log(`layer route: ${layer.route}, status ${statuses[0]}; fit + gradient of the held-out MSE w.r.t. the ${n} observations: ${seconds.toFixed(2)} s`);
  console.log(`held-out MSE (noise floor ${(noise * noise).toFixed(4)}): convex fit ${figures.convexFit.testMse.toFixed(4)}, affine fit ${figures.affineFit.testMse.toFixed(4)}, true function ${figures.trueFunction.testMse.toFixed(4)}`);
  console.log(`MSE to the true function: convex fit ${figures.convexFit.mseToTruth.toFixed(4)}, affine fit ${figures.affineFit.mseToTruth.toFixed(4)}`);
  console.log(`d(held-out MSE)/dy_${k}: layer ${gradient[k]!.toExponential(3)}, central finite difference ${finiteDifference.toExponential(3)}`);

  const summary = {
    config: { n, test: test.x.length, noise, rho, interval: [lo, hi], seed },
    route: layer.route,
    statuses,
    seconds,
    ...figures,
    gradientCheck: { index: k, layer: gradient[k]!, finiteDifference, step: h },
    knots: train.x.map((x, i) => ({ x, y: train.y[i]!, yhat: yhat[i]!, g: g[i]! })),
    grid: grid.map((x) => ({ x, fit: fitAt(x), truth: truth(x), affine: affine.a + affine.b * x })),
  };
  mkdirSync(flags.out!, { recursive: true });
  writeFileSync(`${flags.out}/results.json`, JSON.stringify(summary, null, 2));
  const svg = renderSvg(
    [
      {
        title: `Convex regression on ${n} noisy samples`,
        x: grid,
        series: [
          { label: 'true function', y: grid.map(truth), dashed: true },
          { label: 'max-affine fit (layer)', y: grid.map(fitAt) },
          { label: 'least-squares affine fit', y: grid.map((x) => affine.a + affine.b * x) },
        ],
        xLabel: 'x',
        yLabel: 'f(x)',
      },
    ],
    1,
  );
  writeFileSync(`${flags.out}/fit.svg`, svg);
  console.log(`wrote ${flags.out}/results.json and ${flags.out}/fit.svg`);
  tf.dispose([knots, testX, testY, y, value, grad, yhatT!, gT!]);
}

await main();
