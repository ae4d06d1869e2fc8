/**
 * Worker thread of `TimedQpSolver` (qp_timed.ts): solves each QP batch it
 * receives on its port with `solveQpBatch` (default options), posts the
 * solution's data fields (or the thrown error, flagged typed or not) back, then raises the
 * shared flag so the parent, blocked in `Atomics.wait`, wakes up.
 */
import { type MessagePort, workerData } from 'node:worker_threads';
import { OptlayersError } from '../solvers/errors.js';
import type { QpBatch, QpSolution } from '../solvers/qp/qp_types.js';
import { solveQpBatch } from '../solvers/qp/solve_qp_batch.js';
import { tsWorkerData } from './ts_worker.js';

/** `workerData` of this worker: the reply port and two Int32 flags ([0]: 1 = answer posted; [1]: 1 = loaded). */
export interface QpSolveWorkerData {
  readonly port: MessagePort;
  readonly flag: SharedArrayBuffer;
  /** Test hook: these case indices spin forever (a synthetic hang). */
  readonly stallCases?: readonly number[];
}

/** One request: the batch and its case index. */
export interface QpSolveRequest {
  readonly qp: QpBatch;
  readonly index: number;
}

/** The reply to one batch. */
export type QpSolveReply =
  | { readonly ok: true; readonly solution: QpSolution }
  | { readonly ok: false; readonly typed: boolean; readonly name: string; readonly message: string };

const data = tsWorkerData<QpSolveWorkerData | undefined>(workerData);
if (data) {
  const flag = new Int32Array(data.flag);
  data.port.on('message', ({ qp, index }: QpSolveRequest) => {
    let reply: QpSolveReply;
    try {
      if (data.stallCases?.includes(index)) for (;;);
      // The solution's `backward` closure cannot cross threads (and the campaign does not use it): send the data fields.
      const solution = Object.fromEntries(Object.entries(solveQpBatch(qp)).filter(([, v]) => typeof v !== 'function'));
      reply = { ok: true, solution: solution as unknown as QpSolution };
    } catch (err) {
      reply = { ok: false, typed: err instanceof OptlayersError, name: err instanceof Error ? err.name : 'thrown', message: err instanceof Error ? err.message : String(err) };
    }
    data.port.postMessage(reply);
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
  });
  Atomics.store(flag, 1, 1);
  Atomics.notify(flag, 1);
}
