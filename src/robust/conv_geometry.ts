/**
 * Geometry of a channels-last 2-D convolution (tfjs / TensorFlow conventions)
 * and its dense matrix in float64. The dual network treats a conv layer as
 * the affine map z ↦ z K + b on the row-major flattened [H, W, C] image;
 * this file writes K out with plain loops for the float64 route.
 */

/** Shapes, strides and padding of one conv2d layer (dilation 1, channels last). */
export interface ConvGeometry {
  /** [H, W, C] of the layer's input (no batch axis). */
  readonly inShape: readonly [number, number, number];
  /** [H', W', filters] of its output. */
  readonly outShape: readonly [number, number, number];
  /** [kh, kw]. */
  readonly kernelSize: readonly [number, number];
  readonly strides: readonly [number, number];
  readonly padding: 'valid' | 'same';
}

/**
 * Output length and leading padding along one axis, as TensorFlow defines
 * them: 'valid' → ⌈(n − k + 1)/s⌉, no padding; 'same' → ⌈n/s⌉ with total
 * padding max((out − 1)s + k − n, 0), the smaller half before.
 */
export function convAxis(n: number, k: number, stride: number, padding: 'valid' | 'same'): { out: number; padBefore: number } {
  if (padding === 'valid') return { out: Math.ceil((n - k + 1) / stride), padBefore: 0 };
  const out = Math.ceil(n / stride);
  const total = Math.max((out - 1) * stride + k - n, 0);
  return { out, padBefore: Math.floor(total / 2) };
}

/** The output shape [H', W', filters] of a conv over `inShape`. */
export function convOutShape(inShape: readonly [number, number, number], kernelSize: readonly [number, number], strides: readonly [number, number], padding: 'valid' | 'same', filters: number): [number, number, number] {
  const rows = convAxis(inShape[0], kernelSize[0], strides[0], padding);
  const cols = convAxis(inShape[1], kernelSize[1], strides[1], padding);
  return [rows.out, cols.out, filters];
}

/**
 * K [nIn × nOut] row-major with z_out = z_in K for the flattened images:
 * K[(y·W + x)·C + c, (i·W' + j)·F + f] = filter[p, q, c, f] where
 * y = i·s_h + p − pad_h, x = j·s_w + q − pad_w (cross-correlation, as tf.conv2d).
 * `filter` is the layer's kernel [kh, kw, C, F] flattened row-major.
 */
export function convMatrixF64(geometry: ConvGeometry, filter: ArrayLike<number>): Float64Array {
  const [h, w, c] = geometry.inShape;
  const [oh, ow, f] = geometry.outShape;
  const [kh, kw] = geometry.kernelSize;
  const [sh, sw] = geometry.strides;
  const padTop = convAxis(h, kh, sh, geometry.padding).padBefore;
  const padLeft = convAxis(w, kw, sw, geometry.padding).padBefore;
  const nOut = oh * ow * f;
  const kernel = new Float64Array(h * w * c * nOut);
  for (let i = 0; i < oh; i++) {
    for (let j = 0; j < ow; j++) {
      for (let p = 0; p < kh; p++) {
        const y = i * sh + p - padTop;
        if (y < 0 || y >= h) continue;
        for (let q = 0; q < kw; q++) {
          const x = j * sw + q - padLeft;
          if (x < 0 || x >= w) continue;
          for (let ci = 0; ci < c; ci++) {
            const row = ((y * w + x) * c + ci) * nOut + (i * ow + j) * f;
            const tap = ((p * kw + q) * c + ci) * f;
            for (let fi = 0; fi < f; fi++) kernel[row + fi] = filter[tap + fi]!;
          }
        }
      }
    }
  }
  return kernel;
}

/**
 * out += x K for one flattened image x (length nIn) without forming K: the
 * conv loops of `convMatrixF64`, applied. `out` has length nOut.
 */
export function convForwardF64(geometry: ConvGeometry, filter: ArrayLike<number>, x: Float64Array, out: Float64Array): void {
  const [h, w, c] = geometry.inShape;
  const [oh, ow, f] = geometry.outShape;
  const [kh, kw] = geometry.kernelSize;
  const [sh, sw] = geometry.strides;
  const padTop = convAxis(h, kh, sh, geometry.padding).padBefore;
  const padLeft = convAxis(w, kw, sw, geometry.padding).padBefore;
  for (let i = 0; i < oh; i++) {
    for (let j = 0; j < ow; j++) {
      const o = (i * ow + j) * f;
      for (let p = 0; p < kh; p++) {
        const y = i * sh + p - padTop;
        if (y < 0 || y >= h) continue;
        for (let q = 0; q < kw; q++) {
          const xc = j * sw + q - padLeft;
          if (xc < 0 || xc >= w) continue;
          for (let ci = 0; ci < c; ci++) {
            const v = x[(y * w + xc) * c + ci]!;
            if (v === 0) continue;
            const tap = ((p * kw + q) * c + ci) * f;
            for (let fi = 0; fi < f; fi++) out[o + fi] += v * filter[tap + fi]!;
          }
        }
      }
    }
  }
}
