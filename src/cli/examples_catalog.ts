import { createRequire } from 'node:module';
import { join } from 'node:path';

/** A bundled example script that `npx optlayers run NAME` can start. */
export interface BundledExample {
  readonly name: string;
  /** Path relative to the package root. */
  readonly file: string;
  readonly description: string;
  /**
   * npm packages the example needs that optlayers does not depend on (they
   * are devDependencies, so a clone after `npm install` has them); `optlayers
   * run` checks them first and prints the `npm install` line when one is missing.
   */
  readonly requires?: readonly string[];
}

/** The examples shipped in examples/, by the name `optlayers run` accepts (the same names as the npm `example:` scripts). */
export const BUNDLED_EXAMPLES: readonly BundledExample[] = [
  { name: 'tour', file: 'examples/tour.ts', description: 'short tour: solve, differentiate and train with every layer kind' },
  { name: 'quick-start', file: 'examples/quick_start.ts', description: 'the README quick start: a DSL problem as a differentiable tfjs layer' },
  { name: 'mpc', file: 'examples/control/mpc.ts', description: 'closed-loop model predictive control written in the DSL, with a plot' },
  { name: 'learned-mpc', file: 'examples/control/learned_mpc.ts', description: 'recover an MPC expert\'s dynamics parameters by differentiating through MPC' },
  { name: 'adp', file: 'examples/control/adp.ts', description: 'convex approximate dynamic programming: train an SOCP policy on noisy rollouts' },
  { name: 'convex-sparsemax', file: 'examples/convex/sparsemax_classifier.ts', description: 'a learnable projection layer (DSL) inside a classifier' },
  { name: 'convex-poisoning', file: 'examples/convex/data_poisoning.ts', description: 'data poisoning: gradients of a test loss w.r.t. training points' },
  { name: 'predict-then-optimize', file: 'examples/convex/predict_then_optimize.ts', description: 'decision-focused learning: costs predicted for a QP decision, trained on decision regret vs two-stage MSE' },
  { name: 'robust-optimization', file: 'examples/convex/robust_optimization.ts', description: 'a learned ellipsoidal uncertainty set for a robust SOCP, vs nominal and sample-covariance sets' },
  { name: 'convex-regression', file: 'examples/convex/convex_regression.ts', description: 'convex (max-affine) regression as a QP layer, vs an affine fit, with a plot' },
  { name: 'sudoku', file: 'examples/sudoku/main.ts', description: 'OptNet learns 4x4 Sudoku from examples, vs a conv net' },
  { name: 'deq', file: 'examples/deq/mnist.ts', description: 'MNIST with DEQ and monotone DEQ layers vs an explicit net', requires: ['mnist'] },
  { name: 'pendulum', file: 'examples/pendulum/main.ts', description: 'Lyapunov-stable learned dynamics of an n-link pendulum, with plots' },
  { name: 'certified', file: 'examples/certified/main.ts', description: 'certified robustness on MNIST: LP dual-network bounds and IBP-trained monotone DEQs', requires: ['mnist'] },
  { name: 'jiio', file: 'examples/jiio/main.ts', description: 'joint inference and input optimization: latent codes of a DEQ decoder on MNIST', requires: ['mnist'] },
];

/**
 * The packages of `example.requires` that resolve from none of `fromDirs`
 * (the user's working directory, optlayers' package root).
 */
export function missingRequirements(example: BundledExample, fromDirs: readonly string[]): string[] {
  return (example.requires ?? []).filter((name) => !fromDirs.some((dir) => resolvesFrom(name, dir)));
}

function resolvesFrom(name: string, dir: string): boolean {
  try {
    createRequire(join(dir, 'noop.js')).resolve(name);
    return true;
  } catch {
    return false;
  }
}
