/**
 * A per-case time limit for the QP fuzz campaign (issue 14: zero hangs).
 * `runQpFuzz` (qp_fuzz.ts) calls its `solve` option synchronously once per
 * case, in case order; `TimedQpSolver.solve` forwards each batch to a worker
 * thread (qp_solve_worker.ts) and blocks in `Atomics.wait` for the answer at
 * most `caseTimeoutMs`. Past it, the worker is terminated (a fresh one serves
 * the next case) and the call throws `QpCaseTimeout`, which `runQpFuzz`
 * counts as an untyped exception of that case; `withTimeouts` then moves
 * those to a separate `timeouts` count. Errors thrown by the solver come
 * back as a typed `OptlayersError` (if the original was one) or a plain Error.
 */
import { MessageChannel, type MessagePort, type Worker, receiveMessageOnPort } from 'node:worker_threads';
import { OptlayersError } from '../solvers/errors.js';
import type { QpBatch, QpSolution } from '../solvers/qp/qp_types.js';
import type { QpFuzzSummary } from './qp_fuzz.js';
import type { QpSolveReply, QpSolveRequest, QpSolveWorkerData } from './qp_solve_worker.js';
import { startTsWorker } from './ts_worker.js';

/** Thrown for a case past the limit (deliberately not an OptlayersError: a hang is a failure). */
export class QpCaseTimeout extends Error {
  constructor(readonly index: number, limitMs: number) {
    super(`QpCaseTimeout: case ${index} exceeded ${limitMs} ms; the solver thread was terminated`);
    this.name = 'QpCaseTimeout';
  }
}

/** Forwards QP solves to a worker thread with a per-call limit (see the file comment). */
export class TimedQpSolver {
  /** Case indices (call numbers) that timed out. */
  readonly timedOut: number[] = [];
  private calls = 0;
  private current: { worker: Worker; port: MessagePort; flag: Int32Array } | null = null;

  /**
   * `caseTimeoutMs`: limit per solve; `startupTimeoutMs`: limit for a worker
   * to load; `stallCases`: test hook, case indices whose solve spins forever.
   */
  constructor(readonly caseTimeoutMs = 60_000, readonly startupTimeoutMs = 120_000, private readonly stallCases?: readonly number[]) {}

  private spawn(): { worker: Worker; port: MessagePort; flag: Int32Array } {
    const { port1, port2 } = new MessageChannel();
    const shared = new SharedArrayBuffer(8);
    const data: QpSolveWorkerData = { port: port2, flag: shared, ...(this.stallCases ? { stallCases: this.stallCases } : {}) };
    const worker = startTsWorker('qp_solve_worker', data, [port2]);
    worker.unref(); // never keeps the process alive; close() ends it
    const flag = new Int32Array(shared);
    if (Atomics.wait(flag, 1, 0, this.startupTimeoutMs) === 'timed-out') {
      void worker.terminate();
      throw new Error(`the QP solver worker did not load within ${this.startupTimeoutMs} ms`);
    }
    return { worker, port: port1, flag };
  }

  /**
   * Solves `qp` in the worker; throws `QpCaseTimeout` past the limit.
   * Synchronous, as `runQpFuzz` needs. The returned solution has no
   * `backward` (a closure does not cross threads).
   */
  readonly solve = (qp: QpBatch): QpSolution => {
    const index = this.calls++;
    this.current ??= this.spawn();
    const { worker, port, flag } = this.current;
    Atomics.store(flag, 0, 0);
    port.postMessage({ qp, index } satisfies QpSolveRequest);
    if (Atomics.wait(flag, 0, 0, this.caseTimeoutMs) === 'timed-out') {
      void worker.terminate();
      this.current = null;
      this.timedOut.push(index);
      throw new QpCaseTimeout(index, this.caseTimeoutMs);
    }
    let msg = receiveMessageOnPort(port);
    for (let spins = 0; !msg && spins < 1000; spins++) {
      Atomics.wait(flag, 1, 1, 1); // the reply is posted before the flag is raised; give delivery a moment
      msg = receiveMessageOnPort(port);
    }
    if (!msg) throw new Error(`the QP solver worker raised its flag for case ${index} without a reply`);
    const reply = msg.message as QpSolveReply;
    if (reply.ok) return reply.solution;
    if (reply.typed) throw new OptlayersError(`${reply.name}: ${reply.message}`);
    throw new Error(`${reply.name}: ${reply.message}`);
  };

  /** Stops the worker (call when the campaign is over). */
  async close(): Promise<void> {
    const w = this.current?.worker;
    this.current = null;
    if (w) await w.terminate();
  }
}

/** `s` with the solver's timeouts moved out of `untypedExceptions` into `timeouts` (their failures keep the detail). */
export function withTimeouts(s: QpFuzzSummary, solver: TimedQpSolver): QpFuzzSummary & { timeouts: number; timedOutCases: number[] } {
  const n = solver.timedOut.length;
  return { ...s, untypedExceptions: s.untypedExceptions - n, timeouts: n, timedOutCases: [...solver.timedOut] };
}
