/**
 * The same dual network as `dual_network.ts` (Wong & Kolter 2018, Algorithm
 * 1, with the parallel-line relaxation d·ẑ ≤ z ≤ d·(ẑ − l), d = u/(u−l)),
 * evaluated in float64 plain JS one example at a time. `certify` uses it by
 * default so a certificate is not at the mercy of float32 rounding; the tf
 * version is the one to train through.
 *
 * Matrices are row-major Float64Arrays; a "map" [m × n] sends m sources
 * (inputs, or one layer's slacks) to the n units of the current layer.
 */
import { type ConvGeometry, convForwardF64, convMatrixF64 } from './conv_geometry.js';
import { type ReluNetwork, stepSizes } from './relu_network.js';

/**
 * One network step with its weights copied to float64. A conv step also
 * carries its filter, so rows go through it by the conv loops (the dense
 * `kernel` is then used only where a matrix is needed: a ReLU's slack map
 * and the first layer's input map).
 */
export type StepF64 =
  | {
      readonly kind: 'affine';
      readonly nIn: number;
      readonly nOut: number;
      readonly kernel: Float64Array;
      readonly bias: Float64Array | null;
      readonly conv?: { readonly geometry: ConvGeometry; readonly filter: Float64Array };
    }
  | { readonly kind: 'relu' };

/**
 * Copies the network's weights to float64 (one read of each variable). A
 * conv step becomes the dense affine step it is on the flattened image: its
 * matrix written out by `convMatrixF64` (for the maps that need it), its
 * filter kept for the row products, and its bias repeated per pixel
 * (channels last: unit (i·W' + j)·F + f has bias b_f).
 */
export function networkToF64(network: ReluNetwork): StepF64[] {
  return network.steps.map((step): StepF64 => {
    if (step.kind === 'relu') return { kind: 'relu' };
    const { nIn, nOut } = stepSizes(step);
    if (step.kind === 'affine') {
      return { kind: 'affine', nIn, nOut, kernel: Float64Array.from(step.kernel.dataSync()), bias: step.bias ? Float64Array.from(step.bias.dataSync()) : null };
    }
    const filters = step.geometry.outShape[2];
    const bias = step.bias ? step.bias.dataSync() : null;
    const filter = Float64Array.from(step.filter.dataSync());
    return {
      kind: 'affine',
      nIn,
      nOut,
      kernel: convMatrixF64(step.geometry, filter),
      bias: bias ? Float64Array.from({ length: nOut }, (_, k) => bias[k % filters]!) : null,
      conv: { geometry: step.geometry, filter },
    };
  });
}

interface Map64 {
  readonly rows: number;
  readonly data: Float64Array;
}

/** (M ⊙ d per column) K: [rows × n] → [rows × p]. `slope` null means d = 1. */
function throughLayer(m: Map64, slope: Float64Array | null, step: Extract<StepF64, { kind: 'affine' }>): Map64 {
  const { kernel, nIn: n, nOut: p } = step;
  const out = new Float64Array(m.rows * p);
  if (step.conv) {
    // Each row is an image: convolve it rather than multiply by the mostly-zero K.
    const row = new Float64Array(n);
    for (let r = 0; r < m.rows; r++) {
      for (let k = 0; k < n; k++) row[k] = m.data[r * n + k]! * (slope ? slope[k]! : 1);
      convForwardF64(step.conv.geometry, step.conv.filter, row, out.subarray(r * p, (r + 1) * p));
    }
    return { rows: m.rows, data: out };
  }
  for (let r = 0; r < m.rows; r++) {
    for (let k = 0; k < n; k++) {
      const v = m.data[r * n + k]! * (slope ? slope[k]! : 1);
      if (v === 0) continue;
      for (let j = 0; j < p; j++) out[r * p + j] += v * kernel[k * p + j]!;
    }
  }
  return { rows: m.rows, data: out };
}

/** Lower and upper bound of ẑ = Λᵀx' + Σ E_jᵀ s_j + c over the box (center c already at x_c) and s_j ∈ [0, g_j]. */
function bounds(center: Float64Array, inputMap: Map64, radius: Float64Array, slacks: readonly { map: Map64; gap: Float64Array }[]): { lower: Float64Array; upper: Float64Array } {
  const n = center.length;
  const lower = Float64Array.from(center);
  const upper = Float64Array.from(center);
  for (let i = 0; i < inputMap.rows; i++) {
    for (let k = 0; k < n; k++) {
      const spread = radius[i]! * Math.abs(inputMap.data[i * n + k]!);
      lower[k] -= spread;
      upper[k] += spread;
    }
  }
  for (const { map, gap } of slacks) {
    for (let t = 0; t < map.rows; t++) {
      if (gap[t] === 0) continue;
      for (let k = 0; k < n; k++) {
        const e = map.data[t * n + k]!;
        if (e < 0) lower[k] += gap[t]! * e;
        else upper[k] += gap[t]! * e;
      }
    }
  }
  return { lower, upper };
}

/** M (e_y 1ᵀ − I): column y minus each column. */
function marginMap(m: Map64, n: number, label: number): Map64 {
  const out = new Float64Array(m.rows * n);
  for (let r = 0; r < m.rows; r++) {
    const atLabel = m.data[r * n + label]!;
    for (let j = 0; j < n; j++) out[r * n + j] = atLabel - m.data[r * n + j]!;
  }
  return { rows: m.rows, data: out };
}

/** Margin lower bounds [classes] and each ReLU layer's (l, u) for one example in the box center ± radius. */
export function dualBoundsF64(steps: readonly StepF64[], center: Float64Array, radius: Float64Array, label: number): { marginLower: Float64Array; layers: { lower: Float64Array; upper: Float64Array }[] } {
  const first = steps[0]! as Extract<StepF64, { kind: 'affine' }>;
  let width = first.nOut;
  let c = throughLayer({ rows: 1, data: center }, null, first).data;
  if (first.bias) c = c.map((v, j) => v + first.bias![j]!);
  let inputMap: Map64 = { rows: first.nIn, data: Float64Array.from(first.kernel) };
  let slacks: { map: Map64; gap: Float64Array }[] = [];
  let pending: { slope: Float64Array; gap: Float64Array } | null = null;
  const layers: { lower: Float64Array; upper: Float64Array }[] = [];
  for (const step of steps.slice(1)) {
    if (step.kind === 'relu') {
      const b = bounds(c, inputMap, radius, slacks);
      layers.push(b);
      const slope = new Float64Array(width);
      const gap = new Float64Array(width);
      for (let k = 0; k < width; k++) {
        const l = b.lower[k]!;
        const u = b.upper[k]!;
        if (l >= 0) slope[k] = 1;
        else if (u > 0) {
          slope[k] = u / (u - l);
          gap[k] = (-u * l) / (u - l);
        }
      }
      pending = { slope, gap };
    } else {
      const slope: Float64Array | null = pending?.slope ?? null;
      const through = (m: Map64): Map64 => throughLayer(m, slope, step);
      c = through({ rows: 1, data: c }).data;
      if (step.bias) c = c.map((v, j) => v + step.bias![j]!);
      inputMap = through(inputMap);
      slacks = slacks.map(({ map, gap }) => ({ map: through(map), gap }));
      if (pending) slacks.push({ map: { rows: width, data: Float64Array.from(step.kernel) }, gap: pending.gap });
      pending = null;
      width = step.nOut;
    }
  }
  const atLabel = c[label]!;
  const marginCenter = c.map((v) => atLabel - v);
  const marginSlacks = slacks.map(({ map, gap }) => ({ map: marginMap(map, width, label), gap }));
  return { marginLower: bounds(marginCenter, marginMap(inputMap, width, label), radius, marginSlacks).lower, layers };
}
