import type { Worker as NodeWorker } from 'node:worker_threads';
import { CLAIM_DONE, CLAIM_FAILED, ExampleSolver, type QpBatchContext } from './batch_context.js';

/**
 * Optional parallelism of the batched QP solver: a lazily created, persistent
 * pool of Node worker threads (unref'ed, so they never keep the process
 * alive). A batch is shared through SharedArrayBuffers and split by work
 * stealing: the calling thread and the workers claim examples from one atomic
 * counter, so a busy or slow worker costs nothing but its share and a worker
 * still starting up simply claims nothing. The calling thread blocks
 * (Atomics.wait) only for examples a worker has claimed; results do not depend
 * on which thread solved an example (same code, same float64 arithmetic), and
 * each example's final KKT factorization stays in shared memory, where the
 * backward pass reads it on the calling thread.
 *
 * Unavailable (the solver runs single-threaded) outside Node >= 20.16
 * (`process.getBuiltinModule`), e.g. in browsers, and when the worker module
 * cannot be loaded.
 */

type WorkerThreads = typeof import('node:worker_threads');

interface PoolWorker {
  readonly worker: NodeWorker;
  alive: boolean;
  ready: Promise<boolean>;
}

/** The Node `worker_threads` module, or null where there is none (browsers, old Node). */
function workerThreads(): WorkerThreads | null {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  if (typeof proc?.getBuiltinModule !== 'function' || typeof SharedArrayBuffer === 'undefined') return null;
  try {
    return (proc.getBuiltinModule('node:worker_threads') as WorkerThreads | undefined) ?? null;
  } catch {
    return null;
  }
}

/** Cores the pool could use (1 when worker threads are unavailable). */
export function availableQpThreads(): number {
  if (!workerThreads()) return 1;
  const os = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule?.('node:os') as
    | { availableParallelism?: () => number; cpus: () => unknown[] }
    | undefined;
  return Math.max(1, os?.availableParallelism?.() ?? os?.cpus().length ?? 1);
}

const workers: PoolWorker[] = [];
let broken = false;

/**
 * Starts a worker on `qp_worker`. When this module runs from TypeScript
 * sources (tsx, vitest), the worker first registers tsx's ESM loader, then
 * imports the `.ts` entry; compiled `.js` builds load it directly.
 */
function spawn(wt: WorkerThreads): PoolWorker | null {
  const here = import.meta.url;
  const fromSource = here.endsWith('.ts');
  const entry = new URL(`./qp_worker${fromSource ? '.ts' : '.js'}`, here);
  let worker: NodeWorker;
  try {
    if (fromSource) {
      const mod = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule?.('node:module') as
        typeof import('node:module');
      const url = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule?.('node:url') as
        typeof import('node:url');
      const tsxApi = url.pathToFileURL(mod.createRequire(here).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
      const bootstrap = [
        "const { parentPort, workerData } = require('node:worker_threads');",
        'import(workerData.tsx).then((api) => { api.register(); return import(workerData.entry); })',
        "  .catch((e) => parentPort.postMessage({ type: 'fatal', error: String((e && e.stack) || e) }));",
      ].join('\n');
      worker = new wt.Worker(bootstrap, { eval: true, execArgv: [], workerData: { tsx: tsxApi, entry: entry.href } });
    } else {
      worker = new wt.Worker(entry);
    }
  } catch {
    return null;
  }
  let settle: (ok: boolean) => void = () => {};
  const pw: PoolWorker = { worker, alive: true, ready: new Promise<boolean>((resolve) => (settle = resolve)) };
  worker.on('message', (msg: { type?: string }) => {
    if (msg?.type === 'ready') settle(true);
    if (msg?.type === 'fatal') {
      pw.alive = false;
      settle(false);
    }
  });
  worker.on('error', () => {
    pw.alive = false;
    settle(false);
  });
  worker.on('exit', () => {
    pw.alive = false;
    settle(false);
  });
  worker.unref();
  return pw;
}

/** Up to `count` live workers, spawning missing ones; empty when worker threads are unavailable. */
function poolWorkers(count: number): PoolWorker[] {
  const wt = broken ? null : workerThreads();
  if (!wt) return [];
  for (let i = workers.length - 1; i >= 0; i--) if (!workers[i]!.alive) workers.splice(i, 1);
  while (workers.length < count) {
    const w = spawn(wt);
    if (!w) {
      broken = true;
      break;
    }
    workers.push(w);
  }
  return workers.slice(0, count);
}

/**
 * Starts `count` pool workers ahead of time (default: one per extra core) and
 * resolves to how many loaded successfully. Optional: `solveQpBatch` starts
 * them on first use, but a worker's first batch is then mostly done by the
 * calling thread while the worker loads; call this at start-up (or before
 * timing) to avoid that.
 */
export async function startQpWorkers(count = availableQpThreads() - 1): Promise<number> {
  const pool = poolWorkers(count);
  // Keep the process alive while waiting for the workers to load (they are unref'ed otherwise).
  for (const w of pool) w.worker.ref();
  try {
    const ready = await Promise.all(pool.map((w) => w.ready));
    return ready.filter(Boolean).length;
  } finally {
    for (const w of pool) w.worker.unref();
  }
}

let lastWorkerExamples = 0;

/** Examples solved by worker threads in the last multi-threaded `solveQpBatch` call (diagnostics, tests). */
export function lastQpWorkerShare(): number {
  return lastWorkerExamples;
}

/** A claimed example no worker has finished for this long (and >= 100x the slowest local example) is solved locally. */
const STALL_MS = 30_000;

/**
 * Solves every example of a shared-memory context with the calling thread
 * plus up to `extraThreads` pool workers; returns false (nothing done) when no
 * worker is available, so the caller falls back to the single-threaded path.
 * An example whose worker threw is solved again here (so the error surfaces
 * on the calling thread); one stalled far beyond the local per-example time
 * is taken over and the pool is not used again.
 */
export function solveWithWorkers(ctx: QpBatchContext, extraThreads: number): boolean {
  const pool = poolWorkers(extraThreads);
  if (pool.length === 0) return false;
  for (const w of pool) w.worker.postMessage({ type: 'solve', ctx });
  const { claims, batch } = ctx;
  const local = new ExampleSolver(ctx);
  const mine = new Uint8Array(batch);
  let slowest = 0;
  let workerExamples = 0;
  try {
    for (;;) {
      const e = Atomics.add(claims, 0, 1);
      if (e >= batch) break;
      const t0 = performance.now();
      local.solve(e);
      slowest = Math.max(slowest, performance.now() - t0);
      mine[e] = 1;
      Atomics.store(claims, 1 + e, CLAIM_DONE);
    }
    const limit = Math.max(STALL_MS, 100 * slowest);
    let lastProgress = performance.now();
    for (let e = 0; e < batch; e++) {
      if (mine[e]) continue;
      for (;;) {
        const state = Atomics.load(claims, 1 + e);
        if (state === CLAIM_DONE) {
          lastProgress = performance.now();
          workerExamples++;
          break;
        }
        if (state === CLAIM_FAILED) {
          local.solve(e);
          break;
        }
        Atomics.wait(claims, 1 + e, 0, 1000);
        if (performance.now() - lastProgress > limit) {
          broken = true;
          local.solve(e);
          break;
        }
      }
    }
  } finally {
    // Stop workers from claiming more of an abandoned batch (e.g. after an exception here).
    Atomics.store(claims, 0, batch);
  }
  lastWorkerExamples = workerExamples;
  return true;
}
