/**
 * The generator's `atoms: 'extended'` option lists (issue 12 atoms): each
 * atom drawn only where the DCP rules allow it, by its own curvature, sign and
 * per-argument monotonicity — an increasing convex atom (cummax, dotsort
 * with W >= 0, xexp of a nonnegative argument) takes convex arguments, a decreasing convex one
 * (invProd, dotsort with W <= 0, relEntr in y) concave ones, an increasing
 * concave one (geoMean, harmonicMean, log1p, logNormcdf) concave ones, and a
 * non-monotone one (pnorm, norm, tv, ptp, std, variance, mixedNorm, relEntr
 * in x) affine ones only. Domain arguments are shifted positive at x0 (`shift`)
 * as in the base lists. Axis (and keepdims) variants of max, min, norm1,
 * norm2, normInf, pnorm, quadOverLin, ptp, std and variance produce vector
 * shapes; composite affine helpers (dot, scalarProduct, outer, kron,
 * convolve/conv, upperTri, vecToUpperTri) join the affine lists; and powCone
 * constraints strictly feasible at x0 join the constraints.
 *
 * These lists are appended only in 'extended' mode, and draw their random
 * choices only inside the thunks, so 'base' problems stay bit-identical.
 */
import {
  type Constraint,
  type Expression,
  type Parameter,
  Value,
  constant,
  conv,
  convolve,
  cummax,
  dot,
  dotsort,
  geoMean,
  harmonicMean,
  invProd,
  kron,
  log1p,
  logNormcdf,
  max,
  min,
  mixedNorm,
  norm,
  norm1,
  norm2,
  normInf,
  outer,
  pnorm,
  powCone,
  ptp,
  pos,
  quadOverLin,
  relEntr,
  square,
  scalarProduct,
  std,
  sum,
  tv,
  upperTri,
  variance,
  vecToUpperTri,
  xexp,
} from '../dsl/index.js';
import type { Prng } from './prng.js';

/**
 * The canonicalized atoms that only the 'extended' lists draw (the base
 * lists predate them); every other atom of CANONICALIZERS is drawn in both.
 */
export const EXTENDED_ONLY_ATOMS: readonly string[] = ['geoMean', 'pnorm', 'harmonicMean', 'cummax', 'log1p', 'xexp', 'relEntr', 'logNormcdf', 'dotsort'];

/** The composite helpers and constraint the 'extended' lists draw (recorded by name as coverage). */
export const EXTENDED_HELPERS: readonly string[] = [
  'invProd', 'tv', 'ptp', 'std', 'variance', 'mixedNorm', 'norm', 'dot', 'scalarProduct', 'outer', 'kron', 'convolve', 'conv', 'upperTri', 'vecToUpperTri', 'powCone',
];

type Shape = readonly number[];
/** A named way to build an expression (the name is recorded as coverage). */
export type Option = [string, () => Expression];

/** What the extended lists need from the generator (its recursive draws and helpers). */
export interface GeneratorDraws {
  readonly rng: Prng;
  affine(shape: Shape, depth: number, paramFree: boolean): Expression;
  convex(shape: Shape, depth: number, paramFree: boolean): Expression;
  concave(shape: Shape, depth: number, paramFree: boolean): Expression;
  /** e + c, positive at x0 entrywise. */
  shift(e: Expression): Expression;
  constOf(shape: Shape, lo?: number, hi?: number): Expression;
  param(shape: Shape, lo?: number, hi?: number): Parameter;
  valueAt(e: Expression): Float64Array;
  note<E extends Expression | Constraint>(name: string, e: E): E;
}

/** A vector or matrix shape (reductions like std need at least two entries). */
function nonScalarShape(rng: Prng): Shape {
  return rng.chance(0.5) ? [rng.int(2, 4)] : [rng.int(2, 3), rng.int(2, 3)];
}

/**
 * e scaled by a positive constant so that |e(x0)| <= 4 (curvature and sign
 * unchanged): x e^x of a nested convex argument overflows to Infinity at x0 otherwise.
 */
function tame(g: GeneratorDraws, e: Expression): Expression {
  const big = g.valueAt(e).reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  // The exact factor: rounding it for printing could reach 0 and drop e.
  return big > 4 && Number.isFinite(big) ? e.mul(4 / big) : e;
}

/** A p for pnorm: never 1, 2 or Infinity (those route to norm1/norm2/normInf). */
const PNORM_ORDERS = [1.5, 3, 4] as const;

/** Affine options of `shape` (the composite affine helpers). */
export function extendedAffine(g: GeneratorDraws, shape: Shape, d: number, paramFree: boolean): Option[] {
  const rng = g.rng;
  const sub = (s: Shape) => g.affine(s, d, paramFree);
  const options: Option[] = [];
  if (shape.length === 0) {
    options.push(
      ['dot', () => {
        const s = nonScalarShape(rng);
        return rng.chance(0.5) ? dot(g.constOf(s, -2, 2), sub(s)) : dot(sub(s), g.constOf(s, -2, 2));
      }],
      ['scalarProduct', () => {
        // Flattened on both sides: a matrix against a vector of as many entries.
        const [r, c] = [rng.int(2, 3), rng.int(2, 3)];
        return scalarProduct(sub([r, c]), g.constOf([r * c], -2, 2));
      }],
    );
    if (!paramFree) options.push(['dot', () => { const s = nonScalarShape(rng); return dot(g.param(s), g.affine(s, d, true)); }]);
  } else if (shape.length === 1) {
    const n = shape[0]!;
    if (n >= 2) {
      options.push(
        ['convolve', () => { const k = rng.int(1, n - 1); return convolve(g.constOf([k], -2, 2), sub([n - k + 1])); }],
        ['conv', () => { const k = rng.int(1, n - 1); return conv(sub([n - k + 1]), g.constOf([k], -2, 2)); }],
      );
    }
    if (n % 2 === 0) options.push(['kron', () => kron(g.constOf([2], -2, 2), sub([n / 2]))]);
    const m = [2, 3, 4, 5].find((k) => (k * (k - 1)) / 2 === n);
    if (m !== undefined) options.push(['upperTri', () => upperTri(sub([m, m]))]);
  } else {
    const [r, c] = [shape[0]!, shape[1]!];
    options.push(
      ['outer', () => (rng.chance(0.5) ? outer(g.constOf([r], -2, 2), sub([c])) : outer(sub([r]), g.constOf([c], -2, 2)))],
      ['kron', () => kron(g.constOf([r, 1], -2, 2), sub([1, c]))],
    );
    if (!paramFree) options.push(['outer', () => outer(g.param([r]), g.affine([c], d, true))]);
    if (r === c) {
      // strict needs r >= 2 (a 1 x 1 strictly upper triangle has no entries).
      options.push(['vecToUpperTri', () => (r < 2 || rng.chance(0.5) ? vecToUpperTri(sub([(r * (r + 1)) / 2])) : vecToUpperTri(sub([(r * (r - 1)) / 2]), true))]);
    }
  }
  return options;
}

/** Convex options of `shape`. */
export function extendedConvex(g: GeneratorDraws, shape: Shape, d: number, paramFree: boolean): Option[] {
  const rng = g.rng;
  const aff = () => g.affine(shape, d, paramFree);
  const cvx = () => g.convex(shape, d, paramFree);
  const ccv = () => g.concave(shape, d, paramFree);
  const options: Option[] = [
    // xexp is increasing (takes a convex argument) only where that argument is known nonnegative: its
    // extended value (+Infinity for x < 0) is not monotone, so xexp(convex of unknown sign) is not DCP.
    ['xexp', () => xexp(rng.chance(0.5) ? g.shift(tame(g, aff())) : tame(g, pos(cvx()))).mul(0.1)],
    // relEntr: not monotone in x (affine only), decreasing in y (concave allowed); a scalar y broadcasts.
    ['relEntr', () => relEntr(g.shift(aff()), g.shift(rng.chance(0.3) ? g.concave([], d, paramFree) : rng.chance(0.5) ? aff() : ccv()))],
    // Sign-dependent DCP: square is decreasing on x <= 0, so square(concave nonpositive) is convex;
    // accepted only because logNormcdf is nonpositive.
    ['logNormcdf', () => square(logNormcdf(rng.chance(0.5) ? aff() : ccv()))],
  ];
  if (shape.length > 0) options.push(['cummax', () => cummax(rng.chance(0.5) ? aff() : cvx(), shape.length === 2 ? rng.int(0, 1) : 0)]);
  if (shape.length === 0) {
    const s = () => nonScalarShape(rng);
    const mat = (): Shape => [rng.int(2, 3), rng.int(2, 3)];
    const affOf = (sh: Shape) => g.affine(sh, d, paramFree);
    options.push(
      ['pnorm', () => pnorm(affOf(rng.chance(0.2) ? [] : s()), rng.pick(PNORM_ORDERS))],
      // Sign-dependent DCP: a norm is increasing on x >= 0, so the norm of a convex nonnegative
      // expression (xexp, cummax of it) is convex.
      ['xexp', () => {
        const inner = xexp(g.shift(tame(g, affOf([rng.int(2, 4)]))));
        return rng.chance(0.5) ? pnorm(inner, rng.pick(PNORM_ORDERS)).mul(0.1) : norm2(cummax(inner)).mul(0.1);
      }],
      ['norm', () => {
        const sh = s();
        return norm(affOf(sh), sh.length === 2 ? rng.pick([1, Infinity, 'fro'] as const) : rng.pick([1, 2, 'inf', 3] as const));
      }],
      ['dotsort', () => {
        const n = rng.int(2, 4);
        const k = rng.int(1, n);
        const kind = rng.int(0, 2);
        // W >= 0: increasing (convex argument); W <= 0: decreasing (concave argument); mixed: affine only.
        // (Entries kept off 0: an all-zero W, e.g. [-0], is both, and the atom reports 'increasing'.)
        if (kind === 0) return dotsort(g.convex([n], d, paramFree), rng.values(k, 0.1, 2));
        if (kind === 1) return dotsort(g.concave([n], d, paramFree), rng.values(k, -2, -0.1));
        return dotsort(affOf([n]), rng.values(k, -2, 2));
      }],
      ['invProd', () => invProd(g.shift(rng.chance(0.5) ? affOf([rng.int(2, 3)]) : g.concave([rng.int(2, 3)], d, paramFree))).mul(0.1)],
      ['tv', () => {
        const r = rng.next();
        if (r < 0.4) return tv(affOf([rng.int(2, 4)]));
        const m = mat();
        return r < 0.7 ? tv(affOf(m)) : tv(affOf(m), affOf(m));
      }],
      ['ptp', () => ptp(affOf(s()))],
      ['std', () => std(affOf(s()), rng.int(0, 1))],
      ['variance', () => variance(affOf(s()), rng.int(0, 1))],
      ['mixedNorm', () => mixedNorm(affOf(mat()), rng.pick([1, 2, 'inf', 3] as const), rng.pick([1, 2, 'inf'] as const))],
      // keepdims: a (1, n) / (n, 1) result, summed to a scalar.
      ['max', () => sum(max(g.convex(mat(), d, paramFree), rng.int(0, 1), true))],
      ['norm2', () => sum(norm2(affOf(mat()), rng.int(0, 1), true))],
      ['pnorm', () => sum(pnorm(affOf(mat()), rng.pick(PNORM_ORDERS), rng.int(0, 1), true))],
      ['quadOverLin', () => sum(quadOverLin(affOf(mat()), g.shift(g.concave([], d, paramFree)), rng.int(0, 1), true))],
    );
  } else if (shape.length === 1) {
    const n = shape[0]!;
    // One reduction per line of an (n, m) matrix along axis 1, or of an (m, n) one along axis 0.
    const lines = (f: (x: Expression, axis: number) => Expression, draw: (sh: Shape) => Expression) => () => {
      const m = rng.int(2, 3);
      return rng.chance(0.5) ? f(draw([n, m]), 1) : f(draw([m, n]), 0);
    };
    const affOf = (sh: Shape) => g.affine(sh, d, paramFree);
    options.push(
      ['max', lines((x, a) => max(x, a), (sh) => g.convex(sh, d, paramFree))],
      ['norm1', lines((x, a) => norm1(x, a), affOf)],
      ['norm2', lines((x, a) => norm2(x, a), affOf)],
      ['normInf', lines((x, a) => normInf(x, a), affOf)],
      ['pnorm', lines((x, a) => pnorm(x, rng.pick(PNORM_ORDERS), a), affOf)],
      ['quadOverLin', lines((x, a) => quadOverLin(x, g.shift(g.concave([], d, paramFree)), a), affOf)],
      ['ptp', lines((x, a) => ptp(x, a), affOf)],
      ['std', lines((x, a) => std(x, 0, { axis: a }), affOf)],
      ['variance', lines((x, a) => variance(x, 1, { axis: a }), affOf)],
      // keepdims on a matrix: (n, 1) or (1, n), reshaped to (n,).
      ['normInf', lines((x, a) => normInf(x, a, true).reshape([n]), affOf)],
    );
  }
  return options;
}

/** Concave options of `shape`. */
export function extendedConcave(g: GeneratorDraws, shape: Shape, d: number, paramFree: boolean): Option[] {
  const rng = g.rng;
  const aff = () => g.affine(shape, d, paramFree);
  const ccv = () => g.concave(shape, d, paramFree);
  const options: Option[] = [
    // Also with arguments in (-1, 0) at x0 (log1p is negative there: its sign is x's).
    ['log1p', () => log1p(rng.chance(0.5) ? g.shift(rng.chance(0.5) ? aff() : ccv()) : g.shift(aff()).sub(1))],
    ['logNormcdf', () => logNormcdf(rng.chance(0.5) ? aff() : ccv())],
  ];
  if (shape.length === 0) {
    const positive = () => {
      const n = rng.int(2, 4);
      return g.shift(rng.chance(0.5) ? g.affine([n], d, paramFree) : g.concave([n], d, paramFree));
    };
    options.push(
      ['geoMean', () => {
        const x = positive();
        // Weights p (some may be 0: that entry drops out of the product).
        return rng.chance(0.5) ? geoMean(x) : geoMean(x, Array.from({ length: x.size }, (_, i) => (i === 0 ? rng.uniform(0.5, 2) : rng.pick([0, 0.5, 1, 3]))));
      }],
      ['harmonicMean', () => harmonicMean(positive())],
      ['min', () => sum(min(g.concave([rng.int(2, 3), rng.int(2, 3)], d, paramFree), rng.int(0, 1), true))],
    );
  } else if (shape.length === 1) {
    const n = shape[0]!;
    options.push(['min', () => {
      const m = rng.int(2, 3);
      return rng.chance(0.5) ? min(g.concave([n, m], d, paramFree), 1) : min(g.concave([m, n], d, paramFree), 0);
    }]);
  }
  return options;
}

/** Scalar atoms of constants or parameters only (numbers under DCP; non-DPP with parameters). */
export function extendedConstantAtoms(arg: (shape: Shape, lo: number, hi: number) => Expression): Option[] {
  return [
    ['geoMean', () => geoMean(arg([3], 0.5, 2))],
    ['harmonicMean', () => harmonicMean(arg([2], 0.5, 2))],
    ['log1p', () => log1p(arg([], 0, 2))],
    ['xexp', () => xexp(arg([], 0, 1))],
    ['relEntr', () => sum(relEntr(arg([2], 0.2, 1), arg([2], 0.2, 1)))],
    ['logNormcdf', () => logNormcdf(arg([], -1, 1))],
    ['pnorm', () => pnorm(arg([3], -2, 2), 3)],
    ['dotsort', () => dotsort(arg([3], -1, 1), [1, -0.5])],
    ['cummax', () => sum(cummax(arg([3], -1, 1)))],
  ];
}

/**
 * powCone(x, y, z, alpha), |z_i| <= x_i^a_i y_i^(1 - a_i), strictly feasible
 * at x0: x and y affine shifted positive, z affine recentred so that
 * |z_i(x0)| is at most 0.8 of the cone's bound there. A scalar y broadcasts.
 */
export function powConeConstraint(g: GeneratorDraws, shape: Shape, depth: number): Constraint {
  const rng = g.rng;
  const x = g.shift(g.affine(rng.chance(0.2) ? [] : shape, depth, false));
  const y = g.shift(g.affine(rng.chance(0.25) ? [] : shape, depth, false));
  const z = g.affine(shape, depth, false);
  const n = z.size;
  const alphas = rng.chance(0.5) ? rng.pick([0.3, 0.5, 0.7]) : rng.values(n, 0.1, 0.9).map((a) => Math.round(a * 100) / 100);
  const [xv, yv, zv] = [g.valueAt(x), g.valueAt(y), g.valueAt(z)];
  const offset = Float64Array.from({ length: n }, (_, i) => {
    const a = typeof alphas === 'number' ? alphas : alphas[i]!;
    const bound = xv[xv.length === 1 ? 0 : i]! ** a * yv[yv.length === 1 ? 0 : i]! ** (1 - a);
    const target = Math.round(rng.uniform(-0.8, 0.8) * bound * 1e4) / 1e4;
    return zv[i]! - target;
  });
  const zc = z.sub(n === 1 && shape.length === 0 ? constant(offset[0]!) : constant(new Value(z.shape, offset)));
  return g.note('powCone', powCone(x, y, zc, alphas));
}
