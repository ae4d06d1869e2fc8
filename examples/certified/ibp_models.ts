/**
 * The two IBP-trainable models of the certified example's IBP section, behind
 * one interface: an IBP-MonDEQ (Wei & Kolter 2022) and an explicit two-hidden-
 * layer ReLU network of about the same parameter count (Gowal et al. 2019).
 * Each gives clean logits (a tf.LayersModel, so PGD can attack it), a
 * differentiable margin lower bound over an input box (for training), and a
 * float64 certificate (for the reported certified error).
 */
import * as tf from '@tensorflow/tfjs';
import {
  certifyIntervalEquilibrium,
  certifyMargins64,
  ibpMonDeqLayer,
  intervalAffine,
  intervalAffine64,
  intervalRelu,
  marginLowerBounds,
  type IbpMonDEQLayer,
  type IntervalBatch,
} from 'optlayers';

/** An input box in float64, row-major [batch, width]. */
export interface Box64 {
  readonly lo: Float64Array;
  readonly hi: Float64Array;
}

/** What the section needs from a model. */
export interface IbpTrainableModel {
  readonly name: string;
  /** x [batch, 784] -> logits [batch, 10]. */
  readonly model: tf.LayersModel;
  /** Differentiable lower bounds on y_t - y_j over the box (see `marginLowerBounds`). */
  marginLower(box: IntervalBatch, labels: tf.Tensor1D): tf.Tensor2D;
  /**
   * Per sample 1 when certified robust on the float64 box `box64` (row-major
   * [batch, 784]), computed in float64 from the stored weights: the injection
   * interval, the widening of the monDEQ solver's iterate by a rigorous error
   * bound, and the margins. `residual` is the largest interval-solver residual
   * seen (0 for explicit nets).
   */
  certify(box64: Box64, labels: Int32Array): { certified: Uint8Array; residual: number };
  /** Mean forward splitting iterations of the last interval solve (0 for explicit nets). */
  lastIterations(): number;
}

/** Number of trainable scalars. */
export function parameterCount(model: tf.LayersModel): number {
  return model.trainableWeights.reduce((acc, w) => acc + w.shape.reduce((a: number, b) => a * (b ?? 1), 1), 0);
}

function denseWeights(layer: tf.layers.Layer): [tf.Tensor2D, tf.Tensor1D] {
  return layer.trainableWeights.map((w) => w.read()) as [tf.Tensor2D, tf.Tensor1D];
}

/** An IBP-MonDEQ of `units` followed by a dense head. */
export function ibpMonDeqModel(inputSize: number, classes: number, units: number, monotonicity: number): IbpTrainableModel {
  const model = tf.sequential();
  const layer = ibpMonDeqLayer({
    inputShape: [inputSize],
    units,
    monotonicity,
    // relTol 1e-4 on the splitting map; the certificate widens by the exact residual anyway.
    forward: { maxIters: 300, relTol: 1e-4, absTol: 1e-6 },
  });
  model.add(layer);
  model.add(tf.layers.dense({ units: classes }));
  const mon = layer as IbpMonDEQLayer;
  const head = model.layers[1]!;
  let iterations = 0;
  return {
    name: 'ibp_mondeq',
    model,
    marginLower(box, labels) {
      const b = mon.bounds(box.lo, box.hi);
      iterations = b.stats.iterations;
      const [K, c] = denseWeights(head);
      const out = marginLowerBounds({ lo: b.zLo, hi: b.zHi }, K, c, labels);
      tf.dispose([b.zLo, b.zHi, b.sLo, b.sHi]);
      return out;
    },
    certify(box64, labels) {
      const batch = labels.length;
      const lo = tf.tensor2d(Float32Array.from(box64.lo), [batch, inputSize]);
      const hi = tf.tensor2d(Float32Array.from(box64.hi), [batch, inputSize]);
      const b = mon.bounds(lo, hi);
      iterations = b.stats.iterations;
      const { U, b: bias, M } = mon.weightTensors();
      // The injection interval again in float64 (exact for the affine map); the float32
      // solve's iterate differs from its solution by rounding, which the widening absorbs.
      const s = intervalAffine64(box64.lo, box64.hi, batch, U.dataSync(), bias.dataSync(), inputSize, units, false);
      const cert = certifyIntervalEquilibrium(M.dataSync(), units, monotonicity, s.lo, s.hi, b.zLo.dataSync(), b.zHi.dataSync(), batch);
      tf.dispose([lo, hi, b.zLo, b.zHi, b.sLo, b.sHi]);
      const [K, c] = denseWeights(head);
      const margins = certifyMargins64(cert.zLo, cert.zHi, batch, K.dataSync(), c.dataSync(), units, classes, labels);
      return { certified: margins.certified, residual: Math.max(...cert.residual) };
    },
    lastIterations: () => iterations,
  };
}

/** An explicit ReLU network with the given hidden widths. */
export function explicitModel(inputSize: number, classes: number, hidden: readonly number[]): IbpTrainableModel {
  const model = tf.sequential();
  hidden.forEach((h, i) => model.add(tf.layers.dense({ units: h, activation: 'relu', ...(i === 0 ? { inputShape: [inputSize] } : {}) })));
  model.add(tf.layers.dense({ units: classes }));
  const layers = model.layers;
  return {
    name: 'explicit',
    model,
    marginLower(box, labels) {
      return tf.tidy(() => {
        let z = box;
        for (let i = 0; i < hidden.length; i++) {
          const [K, c] = denseWeights(layers[i]!);
          z = intervalRelu(intervalAffine(z, K, c));
        }
        const [K, c] = denseWeights(layers[hidden.length]!);
        return marginLowerBounds(z, K, c, labels);
      });
    },
    certify(box64, labels) {
      const batch = labels.length;
      let lo: ArrayLike<number> = box64.lo;
      let hi: ArrayLike<number> = box64.hi;
      let width = inputSize;
      for (let i = 0; i < hidden.length; i++) {
        const [K, c] = denseWeights(layers[i]!);
        const next = intervalAffine64(lo, hi, batch, K.dataSync(), c.dataSync(), width, hidden[i]!, true);
        lo = next.lo;
        hi = next.hi;
        width = hidden[i]!;
      }
      const [K, c] = denseWeights(layers[hidden.length]!);
      return { certified: certifyMargins64(lo, hi, batch, K.dataSync(), c.dataSync(), width, classes, labels).certified, residual: 0 };
    },
    lastIterations: () => 0,
  };
}
