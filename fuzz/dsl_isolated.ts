/**
 * The DSL fuzz campaign with a real per-case time limit (issue 14: zero hangs).
 * Solves are synchronous, so a hung case cannot be interrupted from its own
 * thread: the cases run in a worker thread (dsl_worker.ts) that announces each
 * case before starting it; when one runs past the limit the worker is
 * terminated, the case is counted as a timeout failure (with its seed and
 * index), and a fresh worker resumes at the next case. A worker that dies
 * (uncaught error, out of memory) is counted the same way as an untyped
 * exception of the case it was running. The counts are the sum of the
 * one-case summaries of `runDslFuzz`, so both modes report the same numbers.
 */
import type { Worker } from 'node:worker_threads';
import { type DslFuzzFailure, type DslFuzzOptions, type DslFuzzSummary, INFORMATIVE, describeProblem } from './dsl_fuzz.js';
import { type GeneratorAtoms, generateProblem, resolveGeneratorAtoms } from './dsl_generator.js';
import type { DslWorkerJob, DslWorkerMessage } from './dsl_worker.js';
import { Prng, caseSeed } from './prng.js';
import { startTsWorker } from './ts_worker.js';

/** Options of `runDslFuzzIsolated`: those of `runDslFuzz` plus the limit. */
export interface DslIsolatedOptions extends Omit<DslFuzzOptions, 'caseTimeMs'> {
  /** Per-case wall-time limit, milliseconds (default 60 s); a case past it is interrupted and counted as a timeout. */
  readonly caseTimeoutMs?: number;
  /** Limit for a worker to load and announce its first case (default max(120 s, caseTimeoutMs)). */
  readonly startupTimeoutMs?: number;
  /** Worker threads running cases at the same time (default 1); the cases are split into this many contiguous chunks. */
  readonly jobs?: number;
  /** Stops the campaign early: the workers are terminated and the summary covers the cases finished (`cases` counts them). */
  readonly signal?: AbortSignal;
}

/** A summary with every count zero (the identity of `mergeDslSummaries`). */
export function emptyDslSummary(seed: number): DslFuzzSummary {
  return {
    target: 'dsl', seed, cases: 0, accepted: 0, dpp: 0, planted: { feasible: 0, infeasible: 0, unbounded: 0 }, solves: 0, optimal: 0,
    optimalInaccurate: 0, certificatesCorrect: 0, flagged: 0, flaggedByStatus: {}, wrongOptimal: 0, falseCertificates: 0,
    untypedExceptions: 0, typedErrors: 0, timeouts: 0, routeDisagreements: 0, gradientChecks: 0, gradientFailures: 0,
    gradientFlagged: 0, gradientSkipped: 0, coverage: [], maxCaseMs: 0, elapsedMs: 0, failures: [],
  };
}

function addRecords(a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) + v;
  return out;
}

/** The summary of two disjoint sets of cases: counts add, coverage unites, failures concatenate, maxCaseMs is the max. */
export function mergeDslSummaries(a: DslFuzzSummary, b: DslFuzzSummary): DslFuzzSummary {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = (a as unknown as Record<string, unknown>)[k];
    if (k === 'target' || k === 'seed') continue;
    if (k === 'maxCaseMs') out[k] = Math.max(prev as number, v as number);
    else if (typeof v === 'number') out[k] = (prev as number) + v;
    else if (k === 'coverage') out[k] = [...new Set([...(prev as string[]), ...(v as string[])])].sort();
    else if (k === 'failures') out[k] = [...(prev as DslFuzzFailure[]), ...(v as DslFuzzFailure[])];
    else if (v && typeof v === 'object') out[k] = addRecords(prev as Record<string, number>, v as Record<string, number>);
  }
  return out as unknown as DslFuzzSummary;
}

/** The printed problem of case `index`, regenerated in this thread for a failure report. */
function problemText(seed: number, index: number, atoms: GeneratorAtoms): string {
  try {
    return describeProblem(generateProblem(new Prng(caseSeed(seed, index)), { atoms }));
  } catch (err) {
    return `(could not regenerate: ${String(err)})`;
  }
}

/** A one-case summary for a case the worker did not finish. */
function lostCase(seed: number, index: number, atoms: GeneratorAtoms, category: 'timeout' | 'untyped-exception', detail: string): DslFuzzSummary {
  const failure: DslFuzzFailure = { seed, index, category, detail, problem: problemText(seed, index, atoms) };
  return { ...emptyDslSummary(seed), cases: 1, ...(category === 'timeout' ? { timeouts: 1 } : { untypedExceptions: 1 }), failures: [failure] };
}

type WorkerOutcome =
  | { readonly kind: 'end' }
  | { readonly kind: 'aborted' }
  | { readonly kind: 'timeout'; readonly ms: number; readonly startup: boolean }
  | { readonly kind: 'crash'; readonly detail: string };

/**
 * Runs the campaign of `runDslFuzz(options)` case by case in worker threads
 * with a per-case limit (see the file comment). Never throws for a failing
 * case; `onProgress` gets (done, total, failures so far excluding flagged).
 */
export async function runDslFuzzIsolated(options: DslIsolatedOptions): Promise<DslFuzzSummary> {
  const atoms = resolveGeneratorAtoms(options.atoms);
  const start = Date.now();
  const jobs = Math.max(1, Math.floor(options.jobs ?? 1));
  if (jobs > 1) {
    const all = options.only ?? Array.from({ length: options.cases }, (_, i) => (options.from ?? 0) + i);
    const size = Math.ceil(all.length / jobs);
    const chunks = Array.from({ length: jobs }, (_, j) => all.slice(j * size, (j + 1) * size)).filter((c) => c.length > 0);
    const done = chunks.map(() => 0);
    const bad = chunks.map(() => 0);
    const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);
    const parts = await Promise.all(chunks.map((only, j) => runDslFuzzIsolated({
      ...options, only, jobs: 1,
      onProgress: (d, _n, f) => {
        done[j] = d;
        bad[j] = f;
        options.onProgress?.(sum(done), all.length, sum(bad));
      },
    })));
    const merged = parts.reduce(mergeDslSummaries, emptyDslSummary(options.seed));
    return { ...merged, failures: [...merged.failures].sort((a, b) => a.index - b.index), elapsedMs: Date.now() - start };
  }
  const limit = options.caseTimeoutMs ?? 60_000;
  const startupLimit = options.startupTimeoutMs ?? Math.max(120_000, limit);
  const indices = options.only ?? Array.from({ length: options.cases }, (_, i) => (options.from ?? 0) + i);
  let total = emptyDslSummary(options.seed);
  let serious = 0;
  let next = 0; // position in `indices` of the first case not yet accounted for
  const account = (s: DslFuzzSummary) => {
    total = mergeDslSummaries(total, s);
    serious += s.failures.filter((f) => !INFORMATIVE.has(f.category)).length;
    next++;
    options.onProgress?.(next, indices.length, serious);
  };
  while (next < indices.length && !options.signal?.aborted) {
    const job: DslWorkerJob = {
      seed: options.seed, indices: indices.slice(next),
      ...(options.gradientFraction === undefined ? {} : { gradientFraction: options.gradientFraction }),
      ...(options.stallCases ? { stallCases: options.stallCases } : {}),
      ...(options.atoms ? { atoms: options.atoms } : {}),
    };
    const worker: Worker = startTsWorker('dsl_worker');
    let onAbort = () => {};
    const outcome = await new Promise<WorkerOutcome>((resolve) => {
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      let caseStart = Date.now();
      let startup = true; // no case announced yet: the worker is still loading
      const settle = (o: WorkerOutcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(o);
      };
      const arm = (ms: number) => {
        clearTimeout(timer);
        caseStart = Date.now();
        timer = setTimeout(() => settle({ kind: 'timeout', ms: Date.now() - caseStart, startup }), ms);
      };
      arm(startupLimit);
      worker.on('message', (m: DslWorkerMessage) => {
        if (settled) return;
        if (m.type === 'start') {
          startup = false;
          arm(limit);
        } else if (m.type === 'case') {
          account(m.summary);
          arm(limit); // also bounds the gap until the next 'start'
        } else settle({ kind: 'end' });
      });
      worker.on('error', (err) => settle({ kind: 'crash', detail: `worker error: ${err instanceof Error ? `${err.name}: ${err.message}\n${err.stack ?? ''}` : String(err)}` }));
      worker.on('exit', (code) => settle({ kind: 'crash', detail: `worker exited with code ${code}` }));
      onAbort = () => settle({ kind: 'aborted' });
      options.signal?.addEventListener('abort', onAbort, { once: true });
      worker.postMessage(job);
    });
    options.signal?.removeEventListener('abort', onAbort);
    worker.removeAllListeners();
    await worker.terminate();
    if (outcome.kind === 'end' || outcome.kind === 'aborted') break;
    if (next >= indices.length) break;
    const index = indices[next]!;
    if (outcome.kind === 'timeout') {
      const what = outcome.startup ? `the worker did not start this case within ${startupLimit} ms` : `case exceeded ${limit} ms (interrupted after ${outcome.ms} ms)`;
      account(lostCase(options.seed, index, atoms, 'timeout', `${what}; the worker was terminated and the campaign resumed at the next case`));
    } else account(lostCase(options.seed, index, atoms, 'untyped-exception', outcome.detail));
  }
  return { ...total, elapsedMs: Date.now() - start };
}
