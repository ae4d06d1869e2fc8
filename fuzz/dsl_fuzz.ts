/**
 * The DSL fuzzer (issue 14, "a correctness harness"): random DCP problems
 * from `dsl_generator.ts`, solved by `problem.solve` on every route that
 * applies ('auto', 'scs', and 'qp' for LPs/QPs), each answer checked against
 * independent evidence (`dsl_evidence.ts`): the point satisfies the original
 * constraints, the reported value is the objective at the point, no feasible
 * probe beats it, routes agree, planted infeasible/unbounded problems are
 * never 'optimal' and feasible ones never get a certificate; for DPP problems
 * with parameters, route gradients match central finite differences
 * (`dsl_gradients.ts`). Only typed errors (OptlayersError) may be thrown.
 */
import { initSolvers } from '../dsl/index.js';
import type { ConvexRoute } from '../dsl/solve/index.js';
import { OptlayersError } from '../solvers/errors.js';
import type { SolverStatus } from '../solvers/status.js';
import { currentPoint, objectiveValue, probeOptimality, setPoint, worstViolation } from './dsl_evidence.js';
import { type GeneratedProblem, type GeneratorAtoms, generateProblem, resolveGeneratorAtoms } from './dsl_generator.js';
import { checkGradient } from './dsl_gradients.js';
import { Prng, caseSeed } from './prng.js';

/** Options of `runDslFuzz`. */
export interface DslFuzzOptions {
  /** Number of problems. */
  readonly cases: number;
  /** Campaign seed; case i uses `caseSeed(seed, i)`. */
  readonly seed: number;
  /** First case index (default 0): cases from .. from + cases - 1 run, so a long campaign can be split into chunks. */
  readonly from?: number;
  /**
   * The generator's atom lists (default 'base'): 'extended' adds the issue 12
   * atoms, axis variants and powCone constraints, and numbers its cases
   * separately (a seed's 'base' cases never change).
   */
  readonly atoms?: GeneratorAtoms;
  /** Only run these case indices (replaying failures). */
  readonly only?: readonly number[];
  /** Fraction of regularized feasible DPP problems with parameters that also get gradient checks (default 0.25). */
  readonly gradientFraction?: number;
  /**
   * Wall time per case above which a case that did finish still counts as a
   * timeout (default 60 s). In-process solves are synchronous, so this only
   * times a case; `runDslFuzzIsolated` (dsl_isolated.ts) interrupts one.
   */
  readonly caseTimeMs?: number;
  /** Called after each case with (done, total, failures so far excluding the flagged ones). */
  readonly onProgress?: (done: number, total: number, failures: number) => void;
  /** Test hook: these case indices spin forever (a synthetic hang, to prove the isolated runner's timeout path). */
  readonly stallCases?: readonly number[];
}

/**
 * One failure: the case to replay and what went wrong. Categories 'flagged'
 * (a non-solution status where a solution or certificate was expected) and
 * 'gradient-flagged' (a backward pass that threw a typed error) are listed
 * for inspection but are not wrong answers.
 */
export interface DslFuzzFailure {
  readonly seed: number;
  readonly index: number;
  readonly category: string;
  readonly route?: string;
  readonly detail: string;
  /** The problem, printed (with parameter values and x0). */
  readonly problem: string;
}

/** Counts of a campaign (every field a count unless named otherwise). */
export interface DslFuzzSummary {
  readonly target: 'dsl';
  readonly seed: number;
  readonly cases: number;
  /** Generated problems that passed the DCP analysis (the rest are generator bugs, listed as failures). */
  readonly accepted: number;
  readonly dpp: number;
  readonly planted: { readonly feasible: number; readonly infeasible: number; readonly unbounded: number };
  readonly solves: number;
  readonly optimal: number;
  readonly optimalInaccurate: number;
  /** Correct 'infeasible'/'unbounded' verdicts on planted problems. */
  readonly certificatesCorrect: number;
  /** Non-solution statuses (inaccurate certificates, iteration limits...) that are flagged, not wrong. */
  readonly flagged: number;
  /** The flagged answers by `planted kind:route:status`. */
  readonly flaggedByStatus: Readonly<Record<string, number>>;
  /** 'optimal' (or accepted 'optimal_inaccurate') answers shown wrong by independent evidence. */
  readonly wrongOptimal: number;
  /** 'infeasible'/'unbounded' on a problem known feasible and bounded, or the wrong one of the two. */
  readonly falseCertificates: number;
  readonly untypedExceptions: number;
  readonly typedErrors: number;
  readonly timeouts: number;
  readonly routeDisagreements: number;
  readonly gradientChecks: number;
  readonly gradientFailures: number;
  /** Backward passes that threw a typed SolverError (flagged, not silent). */
  readonly gradientFlagged: number;
  readonly gradientSkipped: number;
  /** Atoms and operators exercised. */
  readonly coverage: readonly string[];
  /** Slowest finished case, milliseconds. */
  readonly maxCaseMs: number;
  readonly elapsedMs: number;
  readonly failures: readonly DslFuzzFailure[];
}

/** Relative constraint violation accepted at an 'optimal' point (solvers stop at about 1e-8 of scaled residuals). */
const FEAS_TOL = 1e-5;
/** Looser tolerance an 'optimal_inaccurate' point must still meet. */
const FEAS_TOL_INACCURATE = 1e-3;
/** Relative agreement of reported and evaluated objective values, and of two routes. */
const VALUE_TOL = 1e-5;
/** Largest relative improvement a feasible probe may find over an optimal point. */
const IMPROVE_TOL = 1e-4;

/** A generated problem, printed with its planted kind, parameter values and strictly feasible point x0. */
export function describeProblem(g: GeneratedProblem): string {
  const params = g.parameters.map((p) => `${p.name} = [${Array.from(p.value!.data).join(', ')}]`).join('; ');
  const x0 = g.variables.map((v, i) => `${v.name} = [${Array.from(g.x0[i]!).join(', ')}]`).join('; ');
  return `${g.problem.toString()}\n  planted: ${g.kind}\n  parameters: ${params || 'none'}\n  x0: ${x0}`;
}

const SOLVED = new Set<SolverStatus>(['optimal', 'optimal_inaccurate']);

/** Failure categories listed for inspection only: flagged statuses are not wrong answers. */
export const INFORMATIVE: ReadonlySet<string> = new Set(['flagged', 'gradient-flagged']);

/** Runs a campaign; never throws for a failing case (it is counted and listed). */
export async function runDslFuzz(options: DslFuzzOptions): Promise<DslFuzzSummary> {
  const atoms = resolveGeneratorAtoms(options.atoms);
  await initSolvers();
  const start = Date.now();
  const counts = {
    accepted: 0, dpp: 0, solves: 0, optimal: 0, optimalInaccurate: 0, certificatesCorrect: 0, flagged: 0,
    wrongOptimal: 0, falseCertificates: 0, untypedExceptions: 0, typedErrors: 0, timeouts: 0, routeDisagreements: 0,
    gradientChecks: 0, gradientFailures: 0, gradientFlagged: 0, gradientSkipped: 0,
  };
  const planted = { feasible: 0, infeasible: 0, unbounded: 0 };
  const flaggedByStatus: Record<string, number> = {};
  const flag = (key: string, push: (category: string, detail: string, route?: string) => void, route: string, message: string) => {
    counts.flagged++;
    flaggedByStatus[key] = (flaggedByStatus[key] ?? 0) + 1;
    push('flagged', `${key}: ${message}`, route);
  };
  const coverage = new Set<string>();
  const failures: DslFuzzFailure[] = [];
  const indices = options.only ?? Array.from({ length: options.cases }, (_, i) => (options.from ?? 0) + i);
  const gradientFraction = options.gradientFraction ?? 0.25;
  const caseTimeMs = options.caseTimeMs ?? 60_000;
  let maxCaseMs = 0;
  let done = 0;
  for (const index of indices) {
    const rng = new Prng(caseSeed(options.seed, index));
    const caseStart = Date.now();
    let text = '(not generated)';
    const fail = (category: string, detail: string, route?: string) => {
      failures.push({ seed: options.seed, index, category, detail, problem: text, ...(route ? { route } : {}) });
    };
    try {
      if (options.stallCases?.includes(index)) for (;;);
      const g = generateProblem(rng, { atoms });
      text = describeProblem(g);
      g.used.forEach((u) => coverage.add(u));
      if (!g.problem.isDcp()) {
        fail('generator', 'generated problem is not DCP');
        continue;
      }
      counts.accepted++;
      planted[g.kind]++;
      const dpp = g.problem.isDpp();
      if (dpp) counts.dpp++;
      const values = new Map<string, number>();
      for (const route of ['auto', 'scs', 'qp'] as const) {
        let result;
        try {
          result = g.problem.solve({ solver: route });
        } catch (err) {
          if (route === 'qp' && err instanceof OptlayersError && /solver 'qp' needs/.test(err.message)) continue;
          throw err;
        }
        counts.solves++;
        const st = result.status;
        if (g.kind !== 'feasible') {
          if (SOLVED.has(st)) {
            counts.wrongOptimal++;
            fail('wrong-optimal', `planted ${g.kind}, got ${st} ${result.value} (${result.message})`, route);
          } else if ((st === 'infeasible' && g.kind === 'unbounded') || (st === 'unbounded' && g.kind === 'infeasible')) {
            counts.falseCertificates++;
            fail('false-certificate', `planted ${g.kind}, got ${st} (${result.message})`, route);
          } else if (st === 'infeasible' || st === 'unbounded') counts.certificatesCorrect++;
          else flag(`${g.kind}:${route}:${st}`, fail, route, result.message);
          continue;
        }
        if (st === 'infeasible' || st === 'unbounded') {
          counts.falseCertificates++;
          fail('false-certificate', `feasible and bounded (x0 strictly feasible, box), got ${st} (${result.message})`, route);
          continue;
        }
        if (!SOLVED.has(st)) {
          flag(`${g.kind}:${route}:${st}`, fail, route, result.message);
          continue;
        }
        const accurate = st === 'optimal';
        if (accurate) counts.optimal++;
        else counts.optimalInaccurate++;
        const xStar = currentPoint(g.variables);
        const viol = worstViolation(g.problem.constraints, g.variables);
        const tol = accurate ? FEAS_TOL : FEAS_TOL_INACCURATE;
        let wrong = '';
        if (!(viol.value <= tol)) wrong = `constraint ${viol.constraint} violated by ${viol.value.toExponential(3)} (relative) at the returned point`;
        const f = objectiveValue(g.problem);
        if (!wrong && !(Math.abs(f - result.value) <= (accurate ? VALUE_TOL : 1e-3) * (1 + Math.abs(f)))) {
          wrong = `reported value ${result.value} but the objective evaluates to ${f} at the returned point`;
        }
        if (!wrong) {
          const probe = probeOptimality(g.problem, g.variables, xStar, g.x0, f, () => rng.next(), tol);
          if (probe.bestImprovement > (accurate ? IMPROVE_TOL : 1e-2) * (1 + Math.abs(f))) {
            wrong = `feasible probe ${probe.where} improves the objective by ${probe.bestImprovement.toExponential(3)}`;
          }
        }
        setPoint(g.variables, xStar);
        if (wrong) {
          counts.wrongOptimal++;
          fail('wrong-optimal', `${st}: ${wrong}`, route);
        } else if (accurate) values.set(route, result.value);
      }
      const vs = [...values.entries()];
      for (let i = 1; i < vs.length; i++) {
        const [r0, v0] = vs[0]!;
        const [ri, vi] = vs[i]!;
        if (Math.abs(v0 - vi) > 10 * VALUE_TOL * (1 + Math.abs(v0))) {
          counts.routeDisagreements++;
          fail('route-disagreement', `${r0}: ${v0}, ${ri}: ${vi}`);
        }
      }
      if (dpp && g.kind === 'feasible' && g.regularized && g.parameters.length > 0 && rng.chance(gradientFraction)) {
        for (const route of ['qp', 'scs'] as ConvexRoute[]) {
          try {
            const check = checkGradient(g.problem, route, () => rng.next());
            if (check.outcome === 'skipped') {
              if (check.detail !== 'not an LP/QP') counts.gradientSkipped++;
              continue;
            }
            counts.gradientChecks++;
            if (check.outcome === 'failed') {
              counts.gradientFailures++;
              fail('gradient', `relative error ${check.error.toExponential(3)}: ${check.detail}`, route);
            }
          } catch (err) {
            if (!(err instanceof OptlayersError)) throw err;
            counts.gradientFlagged++;
            fail('gradient-flagged', `${err.name}: ${err.message}`, route);
          }
        }
      }
    } catch (err) {
      if (err instanceof OptlayersError) {
        counts.typedErrors++;
        fail('typed-error', `${err.name}: ${err.message}`);
      } else {
        counts.untypedExceptions++;
        fail('untyped-exception', err instanceof Error ? `${err.name}: ${err.message}\n${err.stack ?? ''}` : String(err));
      }
    } finally {
      const elapsed = Date.now() - caseStart;
      maxCaseMs = Math.max(maxCaseMs, elapsed);
      if (elapsed > caseTimeMs) {
        counts.timeouts++;
        fail('timeout', `case took ${elapsed} ms (limit ${caseTimeMs} ms)`);
      }
      done++;
      options.onProgress?.(done, indices.length, failures.filter((f) => !INFORMATIVE.has(f.category)).length);
    }
  }
  return {
    target: 'dsl',
    seed: options.seed,
    cases: indices.length,
    ...counts,
    planted,
    flaggedByStatus,
    coverage: [...coverage].sort(),
    maxCaseMs,
    elapsedMs: Date.now() - start,
    failures,
  };
}
