import * as tf from '@tensorflow/tfjs';
import type { ShapedRef } from '../../dsl/compiled_problem.js';
import { ShapeError } from '../../solvers/errors.js';
import { checkFloatTensor } from '../options_check.js';
import type { ConvexLayerOptions } from './convex_options.js';
import type { ConvexProblem } from './problem_access.js';
import { ConvexSolutionMap, type ConvexBackwardStats, type ConvexCallStats, type ConvexLayerSpec, type ParameterValues } from './solution_map.js';

/** What a `ConvexTensorMap` maps (parameters in call order, variables and duals returned) and its solver options. */
export interface ConvexTensorMapConfig extends ConvexLayerSpec, ConvexLayerOptions {}

function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/**
 * The tensor-level core of a differentiable convex optimization layer
 * (Agrawal, Amos, Barratt, Boyd, Diamond, Kolter, "Differentiable Convex
 * Optimization Layers", NeurIPS 2019): given parameter tensors theta, returns
 * the solution of the DPP problem
 *   x*(theta) = argmin f(x; theta) s.t. constraints(x; theta)
 * for the requested variables (and constraint duals), and back-propagates
 * dl/dtheta through the float64 solution map (`ConvexSolutionMap`) with
 * `tf.customGrad`. `ConvexLayer` (the `tf.layers.Layer`) and
 * `ConvexProgramLayer` wrap it; use those.
 *
 * `apply(values)` takes one tensor per parameter, in `parameters` order. A
 * tensor shaped like its parameter is shared by the whole batch (its gradient
 * is summed over the batch); one with an extra leading dimension B gives one
 * value per batch element. Outputs carry the leading B when any input does.
 * Tensors are float32; everything inside runs in float64.
 */
export class ConvexTensorMap {
  /** The float64 solution map the layer wraps. */
  readonly solutionMap: ConvexSolutionMap;
  /** Statistics of the most recent call: per batch element status, message, iterations, route and the policy applied. */
  get lastStats(): ConvexCallStats | undefined {
    return this.solutionMap.lastStats;
  }

  /** Statistics of the most recent backward pass: per batch element outcome of the checked derivative and the policy applied. */
  get lastBackwardStats(): ConvexBackwardStats | undefined {
    return this.solutionMap.lastBackwardStats;
  }

  private readonly outputs: { readonly ref: ShapedRef; readonly size: number }[];

  /**
   * Throws `DppError` (naming the sub-expression) when the problem is not DPP,
   * `ValueError` naming a missing, extra or repeated parameter, and
   * `ValueError` for bad options (see `resolveConvexOptions`).
   */
  constructor(problem: ConvexProblem, config: ConvexTensorMapConfig) {
    const { parameters, variables, duals, ...options } = config;
    this.solutionMap = new ConvexSolutionMap(problem, { parameters, variables, duals }, options);
    const m = this.solutionMap;
    this.outputs = [
      ...m.variableSlots.map((s) => ({ ref: s.ref, size: s.size })),
      ...m.dualSlots.map((s) => ({ ref: s.ref, size: s.size })),
    ];
  }

  /** Which engine solves this layer's problem: 'qp' (interior point) or 'scs'. */
  get route(): 'scs' | 'qp' {
    return this.solutionMap.route;
  }

  /** Solves for the given parameter tensors; returns the variables then the duals, as float32 tensors. */
  apply(values: tf.Tensor | readonly tf.Tensor[]): tf.Tensor[] {
    const inputs = Array.isArray(values) ? (values as readonly tf.Tensor[]) : [values as tf.Tensor];
    const map = this.solutionMap;
    const slots = map.parameterSlots;
    if (inputs.length !== slots.length) {
      throw new ShapeError(`ConvexLayer expects ${slots.length} parameter tensors (${slots.map((s) => s.ref.name).join(', ')}), got ${inputs.length}`);
    }
    inputs.forEach((t, i) => checkFloatTensor(t, `ConvexLayer parameter '${slots[i]!.ref.name}'`));
    const batched = inputs.map((t, i) => {
      const shape = slots[i]!.ref.shape;
      if (sameShape(t.shape, shape)) return false;
      if (t.shape.length === shape.length + 1 && sameShape(t.shape.slice(1), shape)) return true;
      throw new ShapeError(`parameter '${slots[i]!.ref.name}' has shape [${shape.join(', ')}] but its tensor has shape [${t.shape.join(', ')}] (a leading batch dimension is allowed)`);
    });
    const anyBatched = batched.some((b) => b);
    const total = this.outputs.reduce((a, o) => a + o.size, 0);
    let batchSize = 1;
    const solveFn = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const tensors = args.slice(0, inputs.length) as tf.Tensor[];
      const pv: ParameterValues[] = tensors.map((t, i) => ({ data: Float64Array.from(t.dataSync() as Float32Array), batched: batched[i]! }));
      const { batch, thetas } = map.packThetas(pv);
      batchSize = batch;
      const solved = map.solve(thetas, batch);
      const flat = new Float32Array(batch * total);
      const blocks = [...solved.variables, ...solved.duals];
      for (let e = 0; e < batch; e++) {
        let col = 0;
        this.outputs.forEach((o, k) => {
          const src = blocks[k]!;
          for (let j = 0; j < o.size; j++) flat[e * total + col + j] = src[e * o.size + j]!;
          col += o.size;
        });
      }
      const value = tf.tensor2d(flat, [batch, total]);
      const gradFunc = (dy: tf.Tensor): tf.Tensor[] => {
        const g = dy.dataSync();
        const split = this.outputs.map((o) => new Float64Array(batch * o.size));
        for (let e = 0; e < batch; e++) {
          let col = 0;
          this.outputs.forEach((o, k) => {
            for (let j = 0; j < o.size; j++) split[k]![e * o.size + j] = g[e * total + col + j]!;
            col += o.size;
          });
        }
        const nv = map.variableSlots.length;
        const dTheta = solved.backward(split.slice(0, nv), split.slice(nv));
        const grads = map.unpackGradient(dTheta, batch, batched);
        return grads.map((gr, i) => tf.tensor(Float32Array.from(gr), tensors[i]!.shape, 'float32'));
      };
      return { value, gradFunc };
    });
    const flat = solveFn(...inputs) as tf.Tensor2D;
    return tf.tidy(() => {
      const out: tf.Tensor[] = [];
      let col = 0;
      for (const o of this.outputs) {
        const block = flat.slice([0, col], [batchSize, o.size]);
        col += o.size;
        out.push(anyBatched ? block.reshape([batchSize, ...o.ref.shape]) : block.reshape([...o.ref.shape]));
      }
      flat.dispose();
      return out;
    });
  }

  /** Output shapes for a batch size (undefined: unbatched). */
  outputShapes(batch?: number): number[][] {
    return this.outputs.map((o) => (batch === undefined ? [...o.ref.shape] : [batch, ...o.ref.shape]));
  }

  /** Number of entries of each output (per batch element). */
  outputSizes(): number[] {
    return this.outputs.map((o) => sizeOf(o.ref.shape));
  }
}
