/**
 * Worker thread of `runDslFuzzIsolated` (dsl_isolated.ts): runs the DSL fuzz
 * cases it is sent one at a time, announcing each case before it starts (so
 * the parent can time it and terminate this thread if it hangs) and posting
 * each case's one-case summary when it ends.
 */
import { parentPort } from 'node:worker_threads';
import { runDslFuzz } from './dsl_fuzz.js';
import type { GeneratorAtoms } from './dsl_generator.js';

/** What the parent sends: the campaign seed, the case indices to run, and the per-case options. */
export interface DslWorkerJob {
  readonly seed: number;
  readonly indices: readonly number[];
  readonly gradientFraction?: number;
  readonly atoms?: GeneratorAtoms;
  readonly stallCases?: readonly number[];
}

/** What this worker posts: 'start' before a case, 'case' with its summary after, 'end' when the job is done. */
export type DslWorkerMessage =
  | { readonly type: 'start'; readonly index: number }
  | { readonly type: 'case'; readonly index: number; readonly summary: Awaited<ReturnType<typeof runDslFuzz>> }
  | { readonly type: 'end' };

const port = parentPort;
if (port) {
  port.on('message', (job: DslWorkerJob) => {
    void (async () => {
      for (const index of job.indices) {
        port.postMessage({ type: 'start', index } satisfies DslWorkerMessage);
        // caseTimeMs: the parent is the clock (it interrupts), so the worker never counts a timeout itself.
        const summary = await runDslFuzz({
          cases: 0, seed: job.seed, only: [index], caseTimeMs: Infinity,
          ...(job.gradientFraction === undefined ? {} : { gradientFraction: job.gradientFraction }),
          ...(job.stallCases ? { stallCases: job.stallCases } : {}),
          ...(job.atoms ? { atoms: job.atoms } : {}),
        });
        port.postMessage({ type: 'case', index, summary } satisfies DslWorkerMessage);
      }
      port.postMessage({ type: 'end' } satisfies DslWorkerMessage);
    })();
  });
}
