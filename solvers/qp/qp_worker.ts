/**
 * Entry point of a QP worker thread (Node worker_threads; see
 * `qp_worker_pool.ts`). Each message is a `QpBatchContext` over
 * SharedArrayBuffers; the worker claims examples from its shared counter
 * until none are left, solving each exactly as the calling thread would and
 * writing into the shared outputs, then marks it done and wakes the caller.
 */
import { parentPort } from 'node:worker_threads';
import { CLAIM_DONE, CLAIM_FAILED, ExampleSolver, type QpBatchContext } from './batch_context.js';

/** Claims and solves examples of `ctx` until its counter runs past the batch. */
function work(ctx: QpBatchContext): void {
  let solver: ExampleSolver | null = null;
  for (;;) {
    const e = Atomics.add(ctx.claims, 0, 1);
    if (e >= ctx.batch) return;
    let state = CLAIM_DONE;
    try {
      solver ??= new ExampleSolver(ctx);
      solver.solve(e);
    } catch {
      // The calling thread solves this example again and reports the error itself.
      state = CLAIM_FAILED;
    }
    Atomics.store(ctx.claims, 1 + e, state);
    Atomics.notify(ctx.claims, 1 + e);
  }
}

parentPort?.on('message', (msg: { type: 'solve'; ctx: QpBatchContext }) => {
  if (msg.type === 'solve') work(msg.ctx);
});
parentPort?.postMessage({ type: 'ready' });
