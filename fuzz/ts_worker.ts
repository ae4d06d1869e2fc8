/**
 * Starts a Node worker thread on a TypeScript entry file of this folder. The
 * fuzz CLI runs under tsx and the tests under vitest, and neither loader is
 * inherited by a worker (`execArgv: ['--import', 'tsx']` is not honoured for
 * workers by tsx 4 on Node 20: the worker fails with "Unknown file extension
 * .ts"), so the worker first registers tsx's ESM loader through its API and
 * then imports the entry. A compiled `.js` build loads the entry directly.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { type TransferListItem, Worker } from 'node:worker_threads';

/** A worker running `./<name>.ts` (or `.js` in a build) next to this file, with `workerData` (ports in it listed in `transferList`). */
export function startTsWorker(name: string, workerData?: unknown, transferList: readonly TransferListItem[] = []): Worker {
  const here = import.meta.url;
  const fromSource = here.endsWith('.ts');
  const entry = new URL(`./${name}${fromSource ? '.ts' : '.js'}`, here).href;
  if (!fromSource) return new Worker(new URL(entry), { workerData, transferList: [...transferList] });
  // require.resolve picks tsx's CommonJS build of the API; the ESM one sits next to it.
  const tsx = pathToFileURL(createRequire(here).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const bootstrap = [
    "const { workerData } = require('node:worker_threads');",
    'import(workerData.tsx).then((api) => { api.register(); return import(workerData.entry); })',
    '  .catch((e) => { setImmediate(() => { throw e; }); });',
  ].join('\n');
  return new Worker(bootstrap, { eval: true, execArgv: [], workerData: { tsx, entry, data: workerData }, transferList: [...transferList] });
}

/** The `workerData` passed to `startTsWorker`, read inside the worker. */
export function tsWorkerData<T>(data: unknown): T {
  const d = data as { tsx?: unknown; entry?: unknown; data?: unknown } | null;
  return (d && typeof d === 'object' && 'entry' in d && 'tsx' in d ? d.data : d) as T;
}
