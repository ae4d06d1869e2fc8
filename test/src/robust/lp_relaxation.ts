/**
 * Test helper: the LP relaxation of a small dense ReLU network solved by our
 * own LP route (the DSL, SCS with tight tolerances) — an independent check
 * of the closed-form dual bound. Float64 throughout.
 */
import { expect } from 'vitest';
import { Problem, constant, minimize, variable, type Expression } from '../../../dsl/index.js';

/** One dense layer in float64: kernel [nIn][nOut] (tfjs layout) and bias [nOut]. */
export interface DenseF64 {
  readonly kernel: number[][];
  readonly bias: number[];
}

/** Which relaxation of an unstable ReLU (l < 0 < u): the two parallel lines of slope u/(u−l), or the triangle. */
export type ReluRelaxation = 'parallel' | 'triangle';

/** ẑ = Kᵀ z + b as a DSL expression (Kᵀ as a constant matrix). */
function affine(layer: DenseF64, z: Expression): Expression {
  const kt = layer.kernel[0]!.map((_, j) => layer.kernel.map((row) => row[j]!));
  return constant(kt).matmul(z).add(constant(layer.bias));
}

/**
 * min cᵀ ẑ_last (or of layer `target`'s pre-activation when `targetLayer` < layers.length − 1)
 * over x ∈ [lo, hi], ẑ_{i+1} = K_iᵀ z_i + b_i, and the ReLU relaxation with
 * bounds (lower[i], upper[i]) for hidden layer i. Returns the optimal value.
 */
export function solveReluLp(
  layers: readonly DenseF64[],
  lo: readonly number[],
  hi: readonly number[],
  lower: readonly (readonly number[])[],
  upper: readonly (readonly number[])[],
  objective: readonly number[],
  relaxation: ReluRelaxation,
  targetLayer = layers.length - 1,
): { value: number; status: string } {
  const x = variable(lo.length, 'x');
  const constraints = [x.ge(constant([...lo])), x.le(constant([...hi]))];
  let pre = affine(layers[0]!, x);
  for (let i = 0; i < targetLayer; i++) {
    const l = lower[i]!;
    const u = upper[i]!;
    const slope = l.map((li, j) => (li >= 0 ? 1 : u[j]! <= 0 ? 0 : u[j]! / (u[j]! - li)));
    const gap = l.map((li, j) => (li < 0 && u[j]! > 0 ? (-u[j]! * li) / (u[j]! - li) : 0));
    const z = variable(l.length, `z${i}`);
    const lowerLine = constant(slope).mul(pre);
    // Upper chord through (l, 0) and (u, u); for stable units it is z ≤ 0 or z ≤ ẑ.
    constraints.push(z.le(lowerLine.add(constant(gap))));
    if (relaxation === 'parallel') constraints.push(z.ge(lowerLine));
    else constraints.push(z.ge(0), z.ge(pre));
    pre = affine(layers[i + 1]!, z);
  }
  const problem = new Problem(minimize(constant([[...objective]]).matmul(pre).sum()), constraints);
  const result = problem.solve({ solver: 'qp', tol: 1e-10 });
  return { value: problem.value!, status: result.status };
}

/**
 * Asserts that hidden layer i's bounds (lower[i], upper[i]) are themselves the
 * min / max of its pre-activations over the band LP of the layers before it,
 * within 1e-6 (Algorithm 1 computes them that way).
 */
export function expectLayerBoundsAreLpExtremes(
  layers: readonly DenseF64[],
  lo: readonly number[],
  hi: readonly number[],
  lower: readonly (readonly number[])[],
  upper: readonly (readonly number[])[],
  i: number,
): void {
  for (let k = 0; k < lower[i]!.length; k++) {
    const e = lower[i]!.map((_, j) => (j === k ? 1 : 0));
    const min = solveReluLp(layers, lo, hi, lower, upper, e, 'parallel', i);
    const max = solveReluLp(layers, lo, hi, lower, upper, e.map((v) => -v), 'parallel', i);
    expect(min.status).toBe('optimal');
    expect(Math.abs(min.value - lower[i]![k]!)).toBeLessThan(1e-6);
    expect(Math.abs(-max.value - upper[i]![k]!)).toBeLessThan(1e-6);
  }
}
