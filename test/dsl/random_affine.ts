/**
 * Random affine expression trees for the property tests: every affine
 * operator of the DSL, with parameters only where DPP allows them (a product
 * has a parameter-affine factor and a parameter-free factor).
 */
import {
  type Expression,
  type Parameter,
  type Variable,
  constant,
  cumsum,
  diag,
  diff,
  hstack,
  multiply,
  parameter,
  trace,
  variable,
  vstack,
} from '../../dsl/index.js';

import { mulberry32 } from '../../examples/common/random.js';

export type Rng = () => number;

export { mulberry32 };

type Kind = 'param' | 'free' | 'any';
type Shape = number[];

export interface RandomAffine {
  readonly expr: Expression;
  readonly variables: Variable[];
  readonly parameters: Parameter[];
}

const size = (s: Shape) => s.reduce((a, b) => a * b, 1);

/** Builds a random expression of `shape`; leaves get random values. */
export function randomAffine(rng: Rng, shape: Shape, depth: number): RandomAffine {
  const variables: Variable[] = [];
  const parameters: Parameter[] = [];
  const int = (n: number) => Math.floor(rng() * n);
  const vals = (s: Shape) => Float64Array.from({ length: size(s) }, () => Math.round((rng() * 4 - 2) * 100) / 100);
  const leaf = (s: Shape, kind: Kind): Expression => {
    const r = rng();
    if (kind !== 'free' && r < 0.4) {
      const p = parameter(s, { value: vals(s) });
      parameters.push(p);
      return p;
    }
    if (kind !== 'param' && r < 0.8) {
      const v = variable(s);
      v.value = vals(s);
      variables.push(v);
      return v;
    }
    return s.length === 0 ? constant(vals(s)[0]!) : constant(s.length === 1 ? vals(s) : toRows(vals(s), s));
  };
  const toRows = (v: Float64Array, s: Shape) => Array.from({ length: s[0]! }, (_, i) => Array.from(v.subarray(i * s[1]!, (i + 1) * s[1]!)));
  const constLeaf = (s: Shape): Expression => (s.length === 1 ? constant(vals(s)) : constant(toRows(vals(s), s)));
  const gen = (s: Shape, d: number, kind: Kind): Expression => {
    if (d === 0) return leaf(s, kind);
    const g = (s2: Shape, k: Kind = kind) => gen(s2, d - 1, k);
    const choices: (() => Expression | undefined)[] = [
      () => g(s).add(g(rng() < 0.3 ? [] : s)),
      () => g(s).sub(g(s)),
      () => g(s).negate(),
      () => g(s).mul(Math.round(rng() * 30 - 15) / 10 || 1),
      () => g(s).div(rng() < 0.5 ? 2 : -4),
      () => (kind === 'any' ? multiply(g(rng() < 0.5 ? [] : s, 'param'), g(s, 'free')) : undefined),
      () => (kind === 'any' ? g(s, 'free').mul(g(s, 'param')) : undefined),
      () => {
        // matmul: [k]@[k] -> scalar, [m,k]@[k] -> [m], [m,k]@[k,n] -> [m,n].
        const k = 1 + int(3);
        const left: Shape = s.length === 0 ? [k] : [s[0]!, k];
        const right: Shape = s.length === 2 ? [k, s[1]!] : [k];
        const L = kind === 'any' ? g(left, 'param') : constLeaf(left);
        return L.matmul(g(right, kind === 'any' ? 'free' : kind));
      },
      () => {
        if (s.length === 0) return g([3]).index(int(3));
        if (s.length === 1) return g([2, s[0]!]).index(int(2));
        return undefined;
      },
      () => (s.length === 0 ? g([2, 2]).index(int(2), int(2)) : undefined),
      () => {
        if (s.length === 1) {
          const off = int(3);
          return g([s[0]! + off + int(2)]).slice(off, off + s[0]!);
        }
        if (s.length === 2) return g([s[0]! + 1, s[1]! + 2]).slice([1, 1 + s[0]!], [2, 2 + s[1]!]);
        return undefined;
      },
      () => (s.length === 0 ? g(rng() < 0.5 ? [3] : [2, 3]).sum() : s.length === 1 ? g([2, s[0]!]).sum(0) : undefined),
      () => (s.length === 1 ? g([s[0]!, 3]).sum(1) : undefined),
      () => (s.length === 2 ? g([s[0]! * s[1]!]).reshape(s) : s.length === 1 && s[0]! % 2 === 0 ? g([2, s[0]! / 2]).vec() : undefined),
      () => (s.length === 2 ? g([s[1]!, s[0]!]).T : undefined),
      () => (s.length === 1 && s[0]! >= 2 ? hstack(g([1]), g([s[0]! - 1])) : s.length === 2 && s[1]! >= 2 ? hstack(g([s[0]!, 1]), g([s[0]!, s[1]! - 1])) : undefined),
      () => (s.length === 2 && s[0]! >= 2 ? vstack(g([s[1]!]), g([s[0]! - 1, s[1]!])) : undefined),
      () => (s.length >= 1 ? cumsum(g(s), s.length === 2 ? int(2) : 0) : undefined),
      () => (s.length === 1 ? ((k) => diff(g([s[0]! + k]), k))(1 + int(2)) : s.length === 2 ? diff(g([s[0]!, s[1]! + 1]), 1, 1) : undefined),
      () => (s.length === 0 ? trace(g([3, 3])) : undefined),
      () => (s.length === 1 ? diag(g([s[0]!, s[0]!])) : s.length === 2 && s[0] === s[1] ? diag(g([s[0]!])) : undefined),
    ];
    for (;;) {
      const e = choices[int(choices.length)]!();
      if (e) return e;
    }
  };
  const expr = gen(shape, depth, 'any');
  return { expr, variables, parameters };
}
