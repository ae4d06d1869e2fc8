import * as E from 'fp-ts/lib/Either.js';
import type { ExprFacts } from '../analysis/dcp.js';
import { type AffineTensor, CONST, addTensors, scaleTensor, stackTensors, sumTensor } from '../canon/affine_tensor.js';
import type { ConeConstraint } from '../canon/cone_constraint.js';
import type { CompiledProblem, ConstraintSlot, ParameterSlot, VariableSlot } from '../compiled_problem.js';
import type { Expression } from '../expr/expression.js';
import type { Parameter, Variable } from '../expr/leaves.js';
import type { Constraint, PowConeConstraint, SocConstraint } from '../problem/constraint.js';
import { powerCones } from '../canon/tensor_algebra.js';
import type { Objective } from '../problem/objective.js';
import type { ConeDims } from '../../solvers/cone_program.js';
import { CanonContext, type NonLinearCone } from './canonicalize.js';
import { OptlayersError } from '../../solvers/errors.js';
import { splitQuadraticObjective } from './quad_objective.js';
import { Triplets, cscPositions, selectionCsc, valuesMap } from './sparse_build.js';
import type { ProblemFacts } from '../analysis/problem_analysis.js';
import type { RuleError } from '../analysis/dcp.js';

/** Options of `compileProblem`. */
export interface CompileOptions {
  /**
   * Keep the objective's convex quadratic terms (sumSquares, square,
   * power(., 2), quadForm of affine arguments, with constant weights or a
   * nonnegative parameter factor such as `lam * sumSquares(x)`, which makes P
   * an affine map of theta) as P
   * (1/2 x'Px) instead of second-order-cone epigraphs; the objective's other
   * terms (affine, or convex in solver sign such as norm1) are canonicalized
   * into cones as usual. Requires every constraint to be affine. Default
   * false. When the problem does not have that form, the cone form is used
   * and `quadratic` is false.
   */
  quadObjective?: boolean;
}

/** The compiled form produced by the DSL: the agreed contract plus a few facts. */
export interface DslCompiledProblem extends CompiledProblem<Parameter, Variable, Constraint> {
  /** True when P is present (quadObjective was requested and applicable). */
  readonly quadratic: boolean;
  /** False when parameters were frozen to their values (non-DPP problem, compiled per solve). */
  readonly parametrized: boolean;
}

/** What `compileProblem` needs from a problem (implemented by `Problem`). */
export interface CompilableProblem {
  readonly objective: Objective;
  readonly constraints: readonly Constraint[];
  /** DCP + DPP analysis. */
  dppAnalysis(): E.Either<RuleError, ProblemFacts>;
  /** Per-problem cache of compiled forms, keyed by options. */
  readonly compiledCache: Map<string, DslCompiledProblem>;
  /** Incremented on every compilation (lets tests prove re-solves do not recompile). */
  compileCount: number;
}

/**
 * Compiles a DPP problem once into affine-solver-affine form (Agrawal et al.
 * 2019): sparse maps from [theta; 1] to the SCS data (A, b, c[, P]) and the
 * objective offset, plus recovery maps for variables and duals. The result is
 * cached on the problem per options, so re-solving with new parameter values
 * only evaluates the maps. Throws DcpError/DppError naming the culprit.
 *
 * theta is the concatenation of the parameters' row-major values in
 * `compiled.parameters` order (order of first appearance: objective, then
 * constraints). Cones are ordered zero, nonneg, SOC, exp, power.
 */
export function compileProblem(problem: CompilableProblem, options: CompileOptions = {}): DslCompiledProblem {
  const key = options.quadObjective ? 'quad' : 'cone';
  const cached = problem.compiledCache.get(key);
  if (cached) return cached;
  const analysis = problem.dppAnalysis();
  if (E.isLeft(analysis)) throw analysis.left;
  const compiled = buildCompiledProblem(problem.objective, problem.constraints, analysis.right.facts, {
    quadObjective: options.quadObjective ?? false,
    frozen: false,
  });
  problem.compiledCache.set(key, compiled);
  problem.compileCount++;
  return compiled;
}

/** Parameters in order of first appearance (depth first). */
export function collectParameters(roots: readonly Expression[]): Parameter[] {
  const seen = new Set<Expression>();
  const out: Parameter[] = [];
  const stack = [...roots].reverse();
  while (stack.length > 0) {
    const e = stack.pop()!;
    if (seen.has(e)) continue;
    seen.add(e);
    if (e.kind === 'parameter') out.push(e as Parameter);
    for (let i = e.args.length - 1; i >= 0; i--) stack.push(e.args[i]!);
  }
  return out;
}

function userConstraintCone(c: Constraint, ctx: CanonContext): ConeConstraint {
  if (c.kind === 'power') {
    const p = c as PowConeConstraint;
    const [x, y, z] = p.args.map((e) => ctx.canonicalize(e)) as [AffineTensor, AffineTensor, AffineTensor];
    return { cone: 'power', expr: powerCones(x, y, z, 0, p.count).expr, alphas: p.alphas, owner: c };
  }
  const [a, b] = c.args.map((e) => ctx.canonicalize(e)) as [AffineTensor, AffineTensor];
  const size = c.kind === 'soc' ? 0 : Math.max(a.size, b.size);
  if (c.kind === 'le') return { cone: 'nonneg', expr: addTensors([b, a], size, [1, -1]), owner: c };
  if (c.kind === 'eq') return { cone: 'zero', expr: addTensors([a, b], size, [1, -1]), owner: c };
  return { cone: 'soc', expr: stackTensors([a, b]), sizes: [1 + (c as SocConstraint).x.size], owner: c };
}

function isAffineCurvature(facts: ReadonlyMap<Expression, ExprFacts>, e: Expression): boolean {
  const c = facts.get(e)?.curvature;
  return c === 'affine' || c === 'constant';
}

const CONE_NAMES: Record<NonLinearCone, string> = { soc: 'a second-order cone', exp: 'an exponential cone', power: 'a power cone' };

/**
 * The (theta column, coefficient) terms of a kept quadratic's scalar factor,
 * the constant column being T; [[T, 1]] without a factor. The factor is
 * variable-free by construction (`splitQuadraticObjective`).
 */
function factorTerms(factor: AffineTensor | undefined, T: number): [number, number][] {
  if (!factor) return [[T, 1]];
  const out: [number, number][] = [];
  for (let k = 0; k < factor.nnz; k++) {
    if (factor.xcols[k] !== CONST) throw new OptlayersError('internal: a quadratic term factor depends on a variable');
    out.push([factor.tcols[k] === CONST ? T : factor.tcols[k]!, factor.vals[k]!]);
  }
  return out;
}

/**
 * The compiler proper. With `frozen`, parameters are replaced by their
 * current values (theta is empty); used to solve DCP problems that are not DPP.
 */
export function buildCompiledProblem(
  objective: Objective,
  constraints: readonly Constraint[],
  facts: ReadonlyMap<Expression, ExprFacts>,
  opts: { quadObjective: boolean; frozen: boolean },
): DslCompiledProblem {
  const params = opts.frozen ? [] : collectParameters([objective.expr, ...constraints.flatMap((c) => c.args)]);
  const offsets = new Map<Parameter, number>();
  const parameters: ParameterSlot<Parameter>[] = [];
  let thetaSize = 0;
  for (const p of params) {
    offsets.set(p, thetaSize);
    parameters.push({ ref: p, offset: thetaSize, size: p.size });
    thetaSize += p.size;
  }
  const T = thetaSize; // column of [theta; 1] holding the constant 1
  const ctx = new CanonContext(opts.frozen ? null : offsets);
  const sign: 1 | -1 = objective.sense === 'minimize' ? 1 : -1;

  // Objective, possibly keeping its quadratic part as P.
  const pTrip = new Triplets();
  const pTcol: number[] = [];
  const pushP = (r: number, c: number, tcol: number, v: number): void => {
    pTrip.push(r, c, v);
    pTcol.push(tcol);
  };
  let objTensor: AffineTensor | undefined;
  const allAffine = constraints.every((c) => c.args.every((e) => isAffineCurvature(facts, e)));
  const split = opts.quadObjective && allAffine ? splitQuadraticObjective(objective.expr, sign, facts) : null;
  if (split) {
    const parts = split.affine.map((t) => scaleTensor(ctx.canonicalize(t.expr), sign * t.weight));
    for (const q of split.quad) {
      const u = ctx.canonicalize(q.arg);
      const w = ctx.newVariable(u.size);
      ctx.constraints.push({ cone: 'zero', expr: addTensors([w, u], u.size, [1, -1]) });
      const first = w.xcols[0]!;
      const n = u.size;
      // P's entries for this term are (2 sign weight Q) times the factor, an affine function of theta
      // (its canonical tensor: one scalar row, terms in theta columns or the constant column T).
      for (const [tcol, fv] of factorTerms(q.factor ? ctx.canonicalize(q.factor) : undefined, T)) {
        const f = 2 * sign * q.weight * fv;
        for (let i = 0; i < n; i++) {
          if (!q.matrix) pushP(first + i, first + i, tcol, f);
          else for (let j = 0; j < n; j++) if (q.matrix[i * n + j] !== 0) pushP(first + i, first + j, tcol, f * q.matrix[i * n + j]!);
        }
      }
    }
    objTensor = sumTensor(addTensors(parts, 1));
  } else {
    objTensor = scaleTensor(ctx.canonicalize(objective.expr), sign);
  }
  // What keeps the problem off the LP/QP route, recorded cheaply here and put into words only when a
  // forced 'qp' needs the error message (expression texts are not free on every compile).
  const objectiveSources = ctx.nonLinearConeSources.length;
  const constraintSources: { readonly constraint: Constraint; readonly cone: ConeConstraint['cone']; readonly from: number; readonly to: number }[] = [];
  for (const c of constraints) {
    const from = ctx.nonLinearConeSources.length;
    const cone = userConstraintCone(c, ctx);
    ctx.constraints.push(cone);
    constraintSources.push({ constraint: c, cone: cone.cone, from, to: ctx.nonLinearConeSources.length });
  }
  const sources = ctx.nonLinearConeSources;
  const nonLinearConeTerms = (): string[] => {
    const constraintReasons: string[] = [];
    for (const { constraint: c, cone, from, to } of constraintSources) {
      if (cone === 'soc' || cone === 'power') constraintReasons.push(`the constraint ${c} is ${CONE_NAMES[cone]}`);
      for (const src of sources.slice(from, to)) constraintReasons.push(`the constraint ${c} needs ${CONE_NAMES[src.cone]} for ${src.atom}`);
    }
    const objectiveReasons = sources.slice(0, objectiveSources).map((src) => `the objective term ${src.atom} needs ${CONE_NAMES[src.cone]}`);
    // With a non-affine constraint the quadratic objective is not kept, so those cones come from that constraint too.
    const nonAffine = opts.quadObjective && !allAffine ? constraints.find((c) => !c.args.every((e) => isAffineCurvature(facts, e))) : undefined;
    return nonAffine && objectiveReasons.length > 0
      ? [...constraintReasons, `the constraint ${nonAffine} is not affine, so the objective's quadratic terms are not kept as P and ${objectiveReasons.join(', ')}`]
      : [...objectiveReasons, ...constraintReasons];
  };

  // SCS needs m, n >= 1 and a nonempty A: pad with a dummy variable z and the row z == 0.
  if (ctx.constraints.every((cc) => cc.expr.isVariableFree())) {
    ctx.constraints.push({ cone: 'zero', expr: ctx.newVariable(1) });
  }

  // Lay the cone constraints out in SCS order.
  const order: ConeConstraint['cone'][] = ['zero', 'nonneg', 'soc', 'exp', 'power'];
  const groups = new Map<string, ConeConstraint[]>(order.map((k) => [k, []]));
  for (const cc of ctx.constraints) groups.get(cc.cone)!.push(cc);
  let nnz = 0;
  for (const cc of ctx.constraints) nnz += cc.expr.nnz;
  const aTrip = { r: new Int32Array(nnz), c: new Int32Array(nnz), t: new Int32Array(nnz), v: new Float64Array(nnz), n: 0 };
  const bTrip = new Triplets(Math.max(16, nnz >> 2));
  const owners: { ref: Constraint; offset: number; size: number }[] = [];
  let zero = 0;
  let nonneg = 0;
  let exp = 0;
  const soc: number[] = [];
  const power: number[] = [];
  let row = 0;
  for (const kind of order) {
    for (const cc of groups.get(kind)!) {
      const t = cc.expr;
      for (let k = 0; k < t.nnz; k++) {
        const tc = t.tcols[k] === CONST ? T : t.tcols[k]!;
        if (t.xcols[k] === CONST) bTrip.push(row + t.rows[k]!, tc, t.vals[k]!);
        else {
          const q = aTrip.n++;
          aTrip.r[q] = row + t.rows[k]!;
          aTrip.c[q] = t.xcols[k]!;
          aTrip.t[q] = tc;
          aTrip.v[q] = -t.vals[k]!;
        }
      }
      if (cc.owner) owners.push({ ref: cc.owner, offset: row, size: t.size });
      if (cc.cone === 'zero') zero += t.size;
      else if (cc.cone === 'nonneg') nonneg += t.size;
      else if (cc.cone === 'soc') soc.push(...cc.sizes);
      else if (cc.cone === 'exp') exp += t.size / 3;
      else power.push(...cc.alphas);
      row += t.size;
    }
  }
  const m = row;
  const n = ctx.columns;
  const cones: ConeDims = { zero, nonneg, soc, exp, power };

  const ar = aTrip.r.subarray(0, aTrip.n);
  const ac = aTrip.c.subarray(0, aTrip.n);
  const { colPtr, rowIndex, pos, order: aOrder } = cscPositions(m, n, ar, ac);
  const aPattern = { rows: m, cols: n, colPtr, rowIndex, values: new Float64Array(rowIndex.length) };
  const aMap = valuesMap(rowIndex.length, T + 1, pos, aTrip.t.subarray(0, aTrip.n), aTrip.v.subarray(0, aTrip.n), aOrder);
  const bMap = bTrip.toCsc(m, T + 1);

  const cTrip = new Triplets();
  const offTrip = new Triplets();
  for (let k = 0; k < objTensor.nnz; k++) {
    const tc = objTensor.tcols[k] === CONST ? T : objTensor.tcols[k]!;
    if (objTensor.xcols[k] === CONST) offTrip.push(0, tc, objTensor.vals[k]!);
    else cTrip.push(objTensor.xcols[k]!, tc, objTensor.vals[k]!);
  }
  const userIndex = new Map(constraints.map((c, i) => [c, i]));
  const compiledBase = {
    parameters,
    thetaSize,
    n,
    m,
    cones,
    aPattern,
    aMap,
    bMap,
    cMap: cTrip.toCsc(n, T + 1),
    offsetMap: offTrip.toCsc(1, T + 1),
    objectiveSign: sign,
    variables: [...ctx.variableOffsets].map(([v, off]): VariableSlot<Variable> => ({ ref: v, size: v.size, recovery: selectionCsc(v.size, n, off) })),
    constraints: owners.sort((p, q) => userIndex.get(p.ref)! - userIndex.get(q.ref)!).map((o): ConstraintSlot<Constraint> => ({ ref: o.ref, size: o.size, dualRecovery: selectionCsc(o.size, m, o.offset) })),
    nonLinearConeTerms,
    quadratic: split !== null,
    parametrized: !opts.frozen,
  };
  if (!split) return compiledBase;
  const pr = pTrip.r.subarray(0, pTrip.n);
  const pc = pTrip.c.subarray(0, pTrip.n);
  const pp = cscPositions(n, n, pr, pc);
  return {
    ...compiledBase,
    pPattern: { rows: n, cols: n, colPtr: pp.colPtr, rowIndex: pp.rowIndex, values: new Float64Array(pp.rowIndex.length) },
    pMap: valuesMap(pp.rowIndex.length, T + 1, pp.pos, Int32Array.from(pTcol), pTrip.v.subarray(0, pTrip.n), pp.order),
  };
}
