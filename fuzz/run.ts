/**
 * The fuzz CLI:
 *   npm run fuzz -- --cases N --seed S [--target dsl|qp|all] [--from K] [--only i,j,...]
 *                   [--atoms base|extended] [--case-timeout SECONDS] [--jobs J] [--in-process] [--verbose]
 * Progress goes to stderr (a line every 10 s: cases done, failures so far,
 * elapsed time); stdout gets ONE summary JSON line per target (`dsl`: random
 * DCP problems through `problem.solve` on every route, see `dsl_fuzz.ts`;
 * `qp`: planted QP batches through the interior point solver, see
 * `qp_fuzz.ts`). `--only` replays the given case indices of the seed;
 * `--from K` starts the DSL cases at index K (split a long campaign into
 * chunks; the QP campaign always starts at 0). Every case runs in a worker
 * thread with a limit of `--case-timeout` seconds (default 60): a case past it
 * is interrupted and counted as a timeout (seed + index listed) and the
 * campaign goes on (`dsl_isolated.ts`, `qp_timed.ts`); `--jobs J` runs the DSL
 * cases in J workers at once (contiguous chunks). `--in-process` runs the
 * cases on the main thread instead (timed, not interrupted). `--verbose`
 * prints every failing case (with its problem) to stderr. `--atoms extended`
 * (DSL target) draws the issue 12 atoms too (dsl_generator_extended.ts); its
 * cases are numbered apart from the default `--atoms base` ones.
 * Exit code 1 when a target reports a wrong answer, a false certificate, an
 * untyped exception, a timeout or a gradient failure; 2 for bad arguments.
 */
import { type DslFuzzSummary, INFORMATIVE, runDslFuzz } from './dsl_fuzz.js';
import type { GeneratorAtoms } from './dsl_generator.js';
import { runDslFuzzIsolated } from './dsl_isolated.js';
import { runQpFuzz } from './qp_fuzz.js';
import { TimedQpSolver, withTimeouts } from './qp_timed.js';

interface CliArgs {
  cases: number;
  seed: number;
  target: 'dsl' | 'qp' | 'all';
  from: number;
  only: number[] | undefined;
  verbose: boolean;
  caseTimeoutS: number;
  inProcess: boolean;
  jobs: number;
  atoms: GeneratorAtoms;
}

function usage(message: string): never {
  process.stderr.write(`${message}\nusage: npm run fuzz -- --cases N --seed S [--target dsl|qp|all] [--from K] [--only i,j] [--atoms base|extended] [--case-timeout S] [--jobs J] [--in-process] [--verbose]\n`);
  process.exit(2);
}

function parseArgs(argv: readonly string[]): CliArgs {
  const out: CliArgs = { cases: 200, seed: 1, target: 'all', from: 0, only: undefined, verbose: false, caseTimeoutS: 60, inProcess: false, jobs: 1, atoms: 'base' };
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i]!;
    const value = argv[i + 1];
    const integer = (what: string): number => {
      const n = Number(value);
      if (value === undefined || !Number.isInteger(n) || n < 0) usage(`${what} needs a non-negative integer, got ${String(value)}`);
      i++;
      return n;
    };
    if (key === '--cases') out.cases = integer('--cases');
    else if (key === '--seed') out.seed = integer('--seed');
    else if (key === '--from') out.from = integer('--from');
    else if (key === '--jobs') out.jobs = Math.max(1, integer('--jobs'));
    else if (key === '--target') {
      if (value !== 'dsl' && value !== 'qp' && value !== 'all') usage(`--target must be dsl, qp or all, got ${String(value)}`);
      out.target = value;
      i++;
    } else if (key === '--atoms') {
      if (value !== 'base' && value !== 'extended') usage(`--atoms must be base or extended, got ${String(value)}`);
      out.atoms = value;
      i++;
    } else if (key === '--only') {
      const list = (value ?? '').split(',').map(Number);
      if (value === undefined || list.some((n) => !Number.isInteger(n) || n < 0)) usage(`--only needs comma-separated case indices, got ${String(value)}`);
      out.only = list;
      i++;
    } else if (key === '--case-timeout') {
      const t = Number(value);
      if (value === undefined || !(t > 0)) usage(`--case-timeout needs a positive number of seconds, got ${String(value)}`);
      out.caseTimeoutS = t;
      i++;
    } else if (key === '--in-process') out.inProcess = true;
    else if (key === '--verbose') out.verbose = true;
    else usage(`unknown argument ${key}`);
  }
  return out;
}

function clock(ms: number): string {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

/** A progress printer: a line at the first case, every 10 s and at the end (`failures` counts what the target can see so far). */
function progress(target: string, failureLabel: string): (done: number, total: number, failures: number) => void {
  const start = Date.now();
  let last = 0;
  return (done, total, failures) => {
    const now = Date.now();
    if (done === total || done === 1 || now - last >= 10_000) {
      last = now;
      const eta = done < total && now - start > 20_000 ? `, eta ${clock(((now - start) / done) * (total - done))}` : '';
      process.stderr.write(`[${target}] ${done}/${total} cases, ${failures} ${failureLabel}, elapsed ${clock(now - start)}${eta}\n`);
    }
  };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  let bad = false;
  if (args.target === 'dsl' || args.target === 'all') {
    // Ctrl-C / SIGTERM during an isolated DSL run: stop and print the summary of the cases finished ("interrupted": true).
    const stop = new AbortController();
    const onSignal = () => {
      process.stderr.write('[dsl] stopping: summarizing the cases finished\n');
      stop.abort();
    };
    if (!args.inProcess) {
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
    }
    const options = { cases: args.cases, seed: args.seed, from: args.from, atoms: args.atoms, ...(args.only ? { only: args.only } : {}), onProgress: progress('dsl', 'failures') };
    const s: DslFuzzSummary = args.inProcess
      ? await runDslFuzz({ ...options, caseTimeMs: args.caseTimeoutS * 1000 })
      : await runDslFuzzIsolated({ ...options, caseTimeoutMs: args.caseTimeoutS * 1000, jobs: args.jobs, signal: stop.signal });
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (args.verbose) for (const f of s.failures) process.stderr.write(`--- case ${f.index} (seed ${f.seed}) ${f.category}${f.route ? ` on ${f.route}` : ''}: ${f.detail}\n${f.problem}\n`);
    const failures = s.failures.filter((f) => !INFORMATIVE.has(f.category)).map((f) => ({ index: f.index, category: f.category, route: f.route, detail: f.detail.slice(0, 300) }));
    const interrupted = stop.signal.aborted ? { interrupted: true, requested: args.only?.length ?? args.cases } : {};
    process.stdout.write(`${JSON.stringify({ ...s, atoms: args.atoms, ...interrupted, failures: failures.slice(0, 50), failuresListed: Math.min(50, failures.length) })}\n`);
    bad ||= stop.signal.aborted;
    bad ||= s.wrongOptimal + s.falseCertificates + s.untypedExceptions + s.timeouts + s.gradientFailures + s.routeDisagreements > 0;
  }
  if (args.target === 'qp' || args.target === 'all') {
    const solver = args.inProcess ? null : new TimedQpSolver(args.caseTimeoutS * 1000);
    const show = progress('qp', 'timeouts');
    const raw = await runQpFuzz({
      cases: args.cases, seed: args.seed, onProgress: (done, total) => show(done, total, solver?.timedOut.length ?? 0),
      ...(solver ? { solve: solver.solve } : {}),
    });
    await solver?.close();
    const s = solver ? withTimeouts(raw, solver) : { ...raw, timeouts: 0 };
    if (args.verbose) for (const f of s.failures) process.stderr.write(`--- qp case ${f.index}: ${JSON.stringify(f)}\n`);
    process.stdout.write(`${JSON.stringify({ target: 'qp', ...s })}\n`);
    bad ||= s.wrongOptimal + s.falseCertificates + s.untypedExceptions + s.timeouts > 0;
  }
  process.exitCode = bad ? 1 : 0;
}

await main();
