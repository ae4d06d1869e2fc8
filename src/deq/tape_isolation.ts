import * as tf from '@tensorflow/tfjs';

interface EngineWithTape {
  state: { activeTape: unknown };
}

/**
 * Gradients of the scalar (or `dy`-weighted) output of `f` with respect to
 * `xs`, safe to call from inside a `tf.customGrad` gradient function.
 *
 * Why: at gradient depth 0, tfjs starts a fresh tape for a nested
 * `tf.grads` and clears it on exit, which would discard the outer tape still
 * being back-propagated. We restore the outer tape afterwards. Inputs that do
 * not reach the output get zero gradients (a cell may ignore x or a weight).
 */
export function gradsIsolated(f: () => tf.Tensor, xs: readonly tf.Tensor[], dy?: tf.Tensor): tf.Tensor[] {
  const engine = tf.engine() as unknown as EngineWithTape;
  const outerTape = engine.state.activeTape;
  try {
    const { value, grads } = tf.engine().gradients(f, xs as tf.Tensor[], dy, true);
    value.dispose();
    return xs.map((x, i) => grads[i] ?? tf.zerosLike(x));
  } finally {
    engine.state.activeTape = outerTape;
  }
}
