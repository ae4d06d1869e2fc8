import * as tf from '@tensorflow/tfjs';

type GradConfig = ReturnType<typeof tf.getGradient>;

/**
 * Gradient rules that save their *input* instead of their output, for the
 * kernels whose stock tfjs rule differentiates through a saved output.
 *
 * Why: tfjs saves an op's output for its gradient as a clone made before the
 * op itself is on the tape, so a gradient that reads a saved output (tanh,
 * sigmoid, exp, softmax) is a constant for a second
 * differentiation: `tf.grad(tf.grad(tf.tanh))` throws, and a nested Hessian-
 * vector product silently drops the curvature term. Recomputing the output
 * from the saved input keeps every second derivative on the tape.
 */
const INPUT_SAVING_RULES: readonly GradConfig[] = [
  {
    kernelName: 'Tanh',
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => ({ x: () => tf.mul(dy as tf.Tensor, tf.sub(1, tf.square(tf.tanh(saved[0]!)))) }),
  },
  {
    kernelName: 'Sigmoid',
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => ({
      x: () => {
        const s = tf.sigmoid(saved[0]!);
        return tf.mul(dy as tf.Tensor, tf.mul(s, tf.sub(1, s)));
      },
    }),
  },
  {
    kernelName: 'Exp',
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => ({ x: () => tf.mul(dy as tf.Tensor, tf.exp(saved[0]!)) }),
  },
  {
    kernelName: 'Softmax',
    inputsToSave: ['logits'],
    gradFunc: (dy, saved, attrs) => ({
      logits: () => {
        const dim = (attrs as { dim: number }).dim;
        const y = tf.softmax(saved[0]!, dim);
        const dyY = tf.mul(dy as tf.Tensor, y);
        return tf.sub(dyY, tf.mul(tf.sum(dyY, [dim], true), y));
      },
    }),
  },
];

/**
 * Runs `run` with the input-saving gradient rules above in force, then puts
 * the stock rules back. tfjs binds an op's rule when the op is recorded, so
 * only ops recorded inside `run` are affected (the joint backward pass, which
 * takes Hessian-vector products); the caller's own tape keeps its rules.
 * Rules outside this list that read a saved output stay first-order only:
 * the elu and pow kernels, the fused matMul of `tf.layers.dense` with a fused
 * relu/elu, and the custom-gradient composite `tf.logSoftmax` (write
 * `tf.log(tf.softmax(x))` or `x - tf.logSumExp(x)` instead). Avoid them in
 * cells and objectives trained through the joint equilibrium.
 */
export function withSecondOrderGradients<T>(run: () => T): T {
  const stock = INPUT_SAVING_RULES.map((r) => tf.getGradient(r.kernelName));
  INPUT_SAVING_RULES.forEach((r) => tf.registerGradient(r));
  try {
    return run();
  } finally {
    stock.forEach((s, i) => {
      if (s) tf.registerGradient(s);
      else tf.unregisterGradient(INPUT_SAVING_RULES[i]!.kernelName);
    });
  }
}
