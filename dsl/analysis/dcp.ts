import * as E from 'fp-ts/lib/Either.js';
import type { Expression } from '../expr/expression.js';
import { type Curvature, type Monotonicity, type Sign, monotonicityOfFactor } from '../expr/sign.js';
import { DcpError, DppError } from '../../solvers/errors.js';

/**
 * 'dcp': parameters are constants (disciplined convex programming).
 * 'dpp': parameters are affine and products obey the DPP rule (disciplined
 * parametrized programming, Agrawal et al. 2019, section 4.1).
 */
export type AnalysisMode = 'dcp' | 'dpp';

/** What the analysis learns about an expression. */
export interface ExprFacts {
  readonly curvature: Curvature;
  readonly sign: Sign;
  readonly hasVariables: boolean;
  readonly hasParameters: boolean;
}

/** The error a failed DCP or DPP analysis returns (it names the sub-expression and the rule). */
export type RuleError = DcpError | DppError;

const ruleText = {
  composition:
    'DCP composition: a convex function needs each argument affine, or convex where it is increasing, or concave where it is decreasing (mirrored for concave functions)',
  product: 'DCP product: one factor of a product must be constant',
  dppProduct: 'DPP product: one factor must be constant, or parameter-affine with the other factor parameter-free',
  dppDivide: 'DPP division: the divisor must be parameter-free (1/p is not affine in p)',
  divide: 'DCP division: the divisor must be constant',
  data: 'data argument: it must be constant',
  dppData: "DPP data argument: parameters may not appear in an atom's data (e.g. quadForm's P)",
};

function isConstantIn(f: ExprFacts, mode: AnalysisMode): boolean {
  return !f.hasVariables && (mode === 'dcp' || !f.hasParameters);
}

function isAffineLike(c: Curvature): boolean {
  return c === 'constant' || c === 'affine';
}

function argOk(f: ExprFacts, mono: Monotonicity, target: 'convex' | 'concave'): boolean {
  if (isAffineLike(f.curvature)) return true;
  if (mono === 'increasing') return f.curvature === target;
  if (mono === 'decreasing') return f.curvature === (target === 'convex' ? 'concave' : 'convex');
  return false;
}

function describeMono(m: Monotonicity): string {
  return m === 'none' ? 'not monotone' : m;
}

/**
 * Curvature and sign of every node of `root` by the DCP composition rule
 * (CVXPY's `Atom.is_convex`/`is_concave`, written once here), plus the DPP
 * product and data-argument rules in 'dpp' mode. Throws a DcpError/DppError
 * naming the offending sub-expression and the rule; `analyzeExpression`
 * wraps it in an Either.
 */
export function expressionFacts(root: Expression, mode: AnalysisMode, memo = new Map<Expression, ExprFacts>()): ExprFacts {
  const go = (e: Expression): ExprFacts => {
    const known = memo.get(e);
    if (known) return known;
    const facts = compute(e);
    memo.set(e, facts);
    return facts;
  };
  const compute = (e: Expression): ExprFacts => {
    if (e.kind === 'variable') return { curvature: 'affine', sign: e.sign([]), hasVariables: true, hasParameters: false };
    if (e.kind === 'parameter') {
      return { curvature: mode === 'dcp' ? 'constant' : 'affine', sign: e.sign([]), hasVariables: false, hasParameters: true };
    }
    if (e.kind === 'constant') return { curvature: 'constant', sign: e.sign([]), hasVariables: false, hasParameters: false };
    const args = e.args.map(go);
    const signs = args.map((a) => a.sign);
    const hasVariables = args.some((a) => a.hasVariables);
    const hasParameters = args.some((a) => a.hasParameters);
    const sign = e.sign(signs);
    const data = e.dataArgs();
    for (const i of data) {
      if (args[i]!.hasVariables) throw new DcpError(`${e}: argument ${e.args[i]} contains a variable (rule: ${ruleText.data})`);
      if (mode === 'dpp' && args[i]!.hasParameters) throw new DppError(`${e}: argument ${e.args[i]} contains a parameter (rule: ${ruleText.dppData})`);
    }
    if (args.every((a) => isConstantIn(a, mode))) {
      // Still ask for the intrinsic curvature: it validates data such as quadForm's P.
      e.curvatureType();
      return { curvature: 'constant', sign, hasVariables, hasParameters };
    }
    let mono: (i: number) => Monotonicity = (i) => e.monotonicity(i, signs);
    const product = e.productKind();
    if (product === 'multiply') {
      const [a, b] = args as [ExprFacts, ExprFacts];
      const dppOk = (p: ExprFacts, q: ExprFacts) => !p.hasVariables && isAffineLike(p.curvature) && !q.hasParameters;
      const ok = isConstantIn(a, mode) || isConstantIn(b, mode) || (mode === 'dpp' && (dppOk(a, b) || dppOk(b, a)));
      if (!ok) {
        if (mode === 'dcp' || (a.hasVariables && b.hasVariables)) {
          throw new DcpError(`${e}: both factors ${e.args[0]} and ${e.args[1]} contain variables (rule: ${ruleText.product})`);
        }
        throw new DppError(`${e}: factors ${e.args[0]} and ${e.args[1]} both depend on parameters, or one is not parameter-affine (rule: ${ruleText.dppProduct})`);
      }
      mono = (i) => monotonicityOfFactor(signs[1 - i]!);
    } else if (product === 'divide') {
      const d = args[1]!;
      if (d.hasVariables) throw new DcpError(`${e}: divisor ${e.args[1]} contains a variable (rule: ${ruleText.divide})`);
      if (mode === 'dpp' && d.hasParameters) throw new DppError(`${e}: divisor ${e.args[1]} contains a parameter (rule: ${ruleText.dppDivide})`);
      mono = () => monotonicityOfFactor(signs[1]!);
    }
    const intrinsic = e.curvatureType();
    const free = e.args.map((_, i) => i).filter((i) => !data.includes(i));
    const convexOk = intrinsic !== 'concave' && free.every((i) => argOk(args[i]!, mono(i), 'convex'));
    const concaveOk = intrinsic !== 'convex' && free.every((i) => argOk(args[i]!, mono(i), 'concave'));
    if (convexOk && concaveOk) return { curvature: 'affine', sign, hasVariables, hasParameters };
    if (convexOk) return { curvature: 'convex', sign, hasVariables, hasParameters };
    if (concaveOk) return { curvature: 'concave', sign, hasVariables, hasParameters };
    const target = intrinsic === 'concave' ? 'concave' : 'convex';
    const bad = free.find((i) => !argOk(args[i]!, mono(i), target)) ?? free[0]!;
    const what = intrinsic === 'affine' ? 'an affine operator' : intrinsic;
    throw new DcpError(
      `${e} is not DCP: it is ${what} and ${describeMono(mono(bad))} in its argument ${e.args[bad]}, which is ${args[bad]!.curvature} (rule: ${ruleText.composition})`,
    );
  };
  return go(root);
}

/** `expressionFacts` as an Either: Left carries the DcpError/DppError naming the sub-expression and rule. */
export function analyzeExpression(e: Expression, mode: AnalysisMode, memo?: Map<Expression, ExprFacts>): E.Either<RuleError, ExprFacts> {
  try {
    return E.right(expressionFacts(e, mode, memo));
  } catch (err) {
    if (err instanceof DcpError || err instanceof DppError) return E.left(err);
    throw err;
  }
}

/** True when `c` may appear where a convex expression is required. */
export function isConvexLike(c: Curvature): boolean {
  return c !== 'concave';
}

/** True when `c` may appear where a concave expression is required. */
export function isConcaveLike(c: Curvature): boolean {
  return c !== 'convex';
}
