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
import { CanonContext } from './canonicalize.js';
import { splitQuadraticObjective } from './quad_objective.js';
import { Triplets, cscPositions, selectionCsc, valuesMap } from './sparse_build.js';
import type { ProblemFacts } from '../analysis/problem_analysis.js';
import type { RuleError } from '../analysis/dcp.js';

/** Options of `compileProblem`. */
export interface CompileOptions {
  /**
   * Keep the objective's convex quadratic terms (sumSquares, square,
   * power(., 2), quadForm of affine arguments, with constant weights) as P
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
  let objTensor: AffineTensor | undefined;
  const allAffine = constraints.every((c) => c.args.every((e) => ['affine', 'constant'].includes(facts.get(e)?.curvature ?? '')));
  const split = opts.quadObjective && allAffine ? splitQuadraticObjective(objective.expr, sign, facts) : null;
  if (split) {
    const parts = split.affine.map((t) => scaleTensor(ctx.canonicalize(t.expr), sign * t.weight));
    for (const q of split.quad) {
      const u = ctx.canonicalize(q.arg);
      const w = ctx.newVariable(u.size);
      ctx.constraints.push({ cone: 'zero', expr: addTensors([w, u], u.size, [1, -1]) });
      const first = w.xcols[0]!;
      const n = u.size;
      const f = 2 * sign * q.weight;
      for (let i = 0; i < n; i++) {
        if (!q.matrix) pTrip.push(first + i, first + i, f);
        else for (let j = 0; j < n; j++) if (q.matrix[i * n + j] !== 0) pTrip.push(first + i, first + j, f * q.matrix[i * n + j]!);
      }
    }
    objTensor = sumTensor(addTensors(parts, 1));
  } else {
    objTensor = scaleTensor(ctx.canonicalize(objective.expr), sign);
  }
  for (const c of constraints) ctx.constraints.push(userConstraintCone(c, ctx));

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
    pMap: valuesMap(pp.rowIndex.length, T + 1, pp.pos, new Int32Array(pTrip.n).fill(T), pTrip.v.subarray(0, pTrip.n), pp.order),
  };
}
