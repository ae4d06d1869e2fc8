import {
  Problem,
  entr,
  huber,
  log,
  logSumExp,
  logistic,
  matmul,
  maximize,
  minimize,
  multiply,
  norm1,
  norm2,
  normInf,
  parameter,
  power,
  quadOverLin,
  sum,
  sumSquares,
  variable,
} from '../../../dsl/index.js';
import type { ShapedRef } from '../../../dsl/compiled_problem.js';
import type { ConvexSolverChoice } from '../../../src/convex/index.js';
import type { ParameterValues } from '../../../src/convex/index.js';

/** Deterministic standard normal samples. */
export function normals(seed: number): () => number {
  let s = seed >>> 0;
  const u = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

/** A test problem: the DSL problem, what the layer maps, and parameter values (batched or shared). */
export interface ConvexCase {
  readonly name: string;
  /** Cones the canonical form exercises (documentation of coverage). */
  readonly cones: string;
  readonly problem: Problem;
  readonly parameters: ShapedRef[];
  readonly variables: ShapedRef[];
  readonly duals?: ShapedRef[];
  readonly values: ParameterValues[];
  readonly solver?: ConvexSolverChoice;
}

type Builder = (seed: number, batch: number) => ConvexCase;

function vals(randn: () => number, size: number, batch: number, f: (v: number) => number = (v) => v): ParameterValues {
  return { data: Float64Array.from({ length: size * Math.max(batch, 1) }, () => f(randn())), batched: batch > 0 };
}

/** Every problem family of the gradient tests; `batch` 0 means unbatched values. */
export const CASES: Record<string, Builder> = {
  lp: (seed, batch) => {
    const r = normals(seed);
    const x = variable(4, { name: 'x' });
    const c = parameter(4, { name: 'c' });
    const lo = parameter(4, { name: 'lo' });
    const problem = new Problem(minimize(sum(multiply(c, x))), [x.ge(lo), x.le(lo.add(2)), sum(x).le(1)]);
    return { name: 'lp', cones: 'zero/nonneg', problem, parameters: [c, lo], variables: [x],
      values: [vals(r, 4, batch, (v) => v + 0.3 * Math.sign(v)), vals(r, 4, 0, (v) => -0.7 + 0.2 * v)] };
  },
  qp: (seed, batch) => {
    const r = normals(seed);
    const x = variable(5, { name: 'x' });
    const q = parameter(5, { name: 'q' });
    const G = parameter([3, 5], { name: 'G' });
    const h = parameter(3, { name: 'h' });
    const problem = new Problem(minimize(sumSquares(x).mul(0.5).add(sum(multiply(q, x)))), [matmul(G, x).le(h)]);
    return { name: 'qp', cones: 'nonneg (+SOC on the SCS route)', problem, parameters: [q, G, h], variables: [x],
      values: [vals(r, 5, batch, (v) => 2 * v), vals(r, 15, 0), vals(r, 3, batch, (v) => 0.1 * v)] };
  },
  leastSquares: (seed, batch) => {
    const r = normals(seed);
    const x = variable(3, { name: 'x' });
    const A = parameter([6, 3], { name: 'A' });
    const b = parameter(6, { name: 'b' });
    const problem = new Problem(minimize(sumSquares(matmul(A, x).sub(b)).add(sumSquares(x).mul(0.1))));
    return { name: 'leastSquares', cones: 'quadratic', problem, parameters: [A, b], variables: [x], values: [vals(r, 18, batch), vals(r, 6, batch)] };
  },
  equalityQp: (seed, batch) => {
    const r = normals(seed);
    const x = variable(4, { name: 'x' });
    const A = parameter([2, 4], { name: 'A' });
    const b = parameter(2, { name: 'b' });
    const problem = new Problem(minimize(sumSquares(x)), [matmul(A, x).eq(b)]);
    return { name: 'equalityQp', cones: 'zero', problem, parameters: [A, b], variables: [x], values: [vals(r, 8, batch), vals(r, 2, 0)] };
  },
  sparsemax: (seed, batch) => {
    const r = normals(seed);
    const x = variable(5, { name: 'x' });
    const a = parameter(5, { name: 'a' });
    const problem = new Problem(minimize(sumSquares(x.sub(a))), [sum(x).eq(1), x.ge(0)]);
    return { name: 'sparsemax', cones: 'zero/nonneg', problem, parameters: [a], variables: [x], values: [vals(r, 5, batch)] };
  },
  l1: (seed, batch) => {
    const r = normals(seed);
    const x = variable(4, { name: 'x' });
    const a = parameter(4, { name: 'a' });
    const problem = new Problem(minimize(norm1(x.sub(a)).mul(0.5).add(sumSquares(x))));
    return { name: 'l1', cones: 'nonneg', problem, parameters: [a], variables: [x], values: [vals(r, 4, batch, (v) => 2 * v)] };
  },
  l2: (seed, batch) => {
    const r = normals(seed);
    const x = variable(3, { name: 'x' });
    const A = parameter([4, 3], { name: 'A' });
    const b = parameter(4, { name: 'b' });
    const problem = new Problem(minimize(norm2(matmul(A, x).sub(b)).add(sumSquares(x).mul(0.5))));
    return { name: 'l2', cones: 'SOC', problem, parameters: [A, b], variables: [x], values: [vals(r, 12, 0), vals(r, 4, batch, (v) => 3 * v)] };
  },
  linf: (seed, batch) => {
    const r = normals(seed);
    const x = variable(4, { name: 'x' });
    const a = parameter(4, { name: 'a' });
    const problem = new Problem(minimize(normInf(x.sub(a)).add(sumSquares(x))));
    return { name: 'linf', cones: 'nonneg', problem, parameters: [a], variables: [x], values: [vals(r, 4, batch, (v) => 2 * v)] };
  },
  socp: (seed, batch) => {
    const r = normals(seed);
    const x = variable(3, { name: 'x' });
    const c = parameter(3, { name: 'c' });
    const radius = parameter([], { name: 'radius', nonneg: true });
    const problem = new Problem(minimize(sum(multiply(c, x))), [norm2(x).le(radius)]);
    return { name: 'socp', cones: 'SOC', problem, parameters: [c, radius], variables: [x],
      values: [vals(r, 3, batch), { data: Float64Array.of(1.5), batched: false }] };
  },
  logSumExp: (seed, batch) => {
    const r = normals(seed);
    const x = variable(3, { name: 'x' });
    const a = parameter(3, { name: 'a' });
    const problem = new Problem(minimize(logSumExp(x).add(sumSquares(x.sub(a)))));
    return { name: 'logSumExp', cones: 'exp', problem, parameters: [a], variables: [x], values: [vals(r, 3, batch)] };
  },
  entropy: (seed, batch) => {
    const r = normals(seed);
    const x = variable(4, { name: 'x' });
    const a = parameter(4, { name: 'a' });
    const problem = new Problem(maximize(sum(entr(x)).add(sum(multiply(a, x)))), [sum(x).eq(1)]);
    return { name: 'entropy (softmax)', cones: 'exp', problem, parameters: [a], variables: [x], values: [vals(r, 4, batch, (v) => 0.5 * v)] };
  },
  logBarrier: (seed, batch) => {
    const r = normals(seed);
    const x = variable(3, { name: 'x' });
    const w = parameter(3, { name: 'w', nonneg: true });
    const problem = new Problem(maximize(sum(log(x))), [sum(multiply(w, x)).le(1)]);
    return { name: 'logBarrier', cones: 'exp', problem, parameters: [w], variables: [x], values: [vals(r, 3, batch, (v) => 0.5 + Math.abs(v))] };
  },
  power: (seed, batch) => {
    const r = normals(seed);
    const x = variable(3, { name: 'x' });
    const a = parameter(3, { name: 'a' });
    const problem = new Problem(minimize(sum(power(x, 1.5)).sub(sum(multiply(a, x)))), [x.ge(0)]);
    return { name: 'power', cones: 'power', problem, parameters: [a], variables: [x], values: [vals(r, 3, batch, (v) => 1 + 0.3 * v)] };
  },
  quadOverLin: (seed, batch) => {
    const r = normals(seed);
    const x = variable(3, { name: 'x' });
    const s = variable([], { name: 's' });
    const a = parameter(3, { name: 'a' });
    const problem = new Problem(minimize(quadOverLin(x.sub(a), s).add(s).add(sumSquares(x))), [s.le(3)]);
    return { name: 'quadOverLin', cones: 'SOC', problem, parameters: [a], variables: [x, s], values: [vals(r, 3, batch)] };
  },
  huber: (seed, batch) => {
    const r = normals(seed);
    const x = variable(4, { name: 'x' });
    const a = parameter(4, { name: 'a' });
    const problem = new Problem(minimize(sum(huber(x.sub(a), 1)).add(sumSquares(x).mul(0.5))));
    return { name: 'huber', cones: 'SOC/nonneg', problem, parameters: [a], variables: [x], values: [vals(r, 4, batch, (v) => 2.5 * v)] };
  },
  logistic: (seed, batch) => {
    const r = normals(seed);
    const w = variable(2, { name: 'w' });
    const X = parameter([5, 2], { name: 'X' });
    const problem = new Problem(minimize(sum(logistic(matmul(X, w))).add(sumSquares(w).mul(0.5))));
    return { name: 'logistic', cones: 'exp', problem, parameters: [X], variables: [w], values: [vals(r, 10, batch)] };
  },
  qpDuals: (seed, batch) => {
    const r = normals(seed);
    const x = variable(3, { name: 'x' });
    const a = parameter(3, { name: 'a' });
    const ub = parameter(3, { name: 'ub' });
    const cap = x.le(ub);
    const problem = new Problem(minimize(sumSquares(x.sub(a))), [cap]);
    return { name: 'qpDuals', cones: 'nonneg', problem, parameters: [a, ub], variables: [x], duals: [cap as unknown as ShapedRef],
      values: [vals(r, 3, batch, (v) => 1 + v), { data: Float64Array.of(0.5, 2.5, 0.8), batched: false }] };
  },
};
