import * as tf from '@tensorflow/tfjs';

interface EngineTapeState {
  state: { activeTape: unknown; gradientDepth: number; kernelDepth: number };
}

/**
 * Runs `run` as if no gradient were being recorded around it, then puts the
 * engine's tape state back.
 *
 * Why: the joint solve takes a vector-Jacobian product in every iteration.
 * Under an outer `tf.grad` / `model.fit` (training with an inner input
 * optimization) tfjs would otherwise record every iteration's ops on the outer
 * tape (depth > 0 shares it) and keep their saved tensors alive until the
 * outer gradient ends; inside a custom-gradient forward (kernel depth > 0) it
 * would record nothing and the inner gradient would fail. With the state
 * reset, each inner `gradients` call starts and cleans up its own tape.
 */
export function withIsolatedTape<T>(run: () => T): T {
  const state = (tf.engine() as unknown as EngineTapeState).state;
  const saved = { activeTape: state.activeTape, gradientDepth: state.gradientDepth, kernelDepth: state.kernelDepth };
  state.activeTape = null;
  state.gradientDepth = 0;
  state.kernelDepth = 0;
  try {
    return run();
  } finally {
    state.activeTape = saved.activeTape;
    state.gradientDepth = saved.gradientDepth;
    state.kernelDepth = saved.kernelDepth;
  }
}

/**
 * The value of `f` and the vector-Jacobian products dy' d f / d xs, from one
 * forward and one backward pass. Inputs that do not reach the output get zero
 * gradients. Nested inside an outer gradient computation (depth > 0) it
 * records its backward ops on the outer tape, which is what makes the
 * augmented map twice differentiable for the joint backward pass.
 */
export function valueAndVjp(f: () => tf.Tensor, xs: readonly tf.Tensor[], dy: tf.Tensor): { value: tf.Tensor; grads: tf.Tensor[] } {
  const state = (tf.engine() as unknown as EngineTapeState).state;
  const outerTape = state.activeTape;
  try {
    const { value, grads } = tf.engine().gradients(f, xs as tf.Tensor[], dy, true);
    return { value, grads: xs.map((x, i) => grads[i] ?? tf.zerosLike(x)) };
  } finally {
    // At depth 0 tfjs clears the tape on exit; an enclosing customGrad backward still needs its own.
    if (state.gradientDepth === 0) state.activeTape = outerTape;
  }
}
