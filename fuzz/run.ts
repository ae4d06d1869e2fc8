/**
 * The fuzz CLI:
 *   npm run fuzz -- --cases N --seed S [--target dsl|qp|all] [--from K] [--only i,j,...] [--verbose]
 * Progress goes to stderr; stdout gets ONE summary JSON line per target
 * (`dsl`: random DCP problems through `problem.solve` on every route, see
 * `dsl_fuzz.ts`; `qp`: planted QP batches through the interior point solver,
 * see `qp_fuzz.ts`). `--only` replays the given case indices of the seed;
 * `--from K` starts the DSL cases at index K (split a long campaign into chunks);
 * `--verbose` prints every failing case (with its problem) to stderr.
 * Exit code 1 when a target reports a wrong answer, a false certificate, an
 * untyped exception, a timeout or a gradient failure; 2 for bad arguments.
 */
import { runDslFuzz } from './dsl_fuzz.js';
import { runQpFuzz } from './qp_fuzz.js';

interface CliArgs {
  cases: number;
  seed: number;
  target: 'dsl' | 'qp' | 'all';
  from: number;
  only: number[] | undefined;
  verbose: boolean;
}

function usage(message: string): never {
  process.stderr.write(`${message}\nusage: npm run fuzz -- --cases N --seed S [--target dsl|qp|all] [--from K] [--only i,j] [--verbose]\n`);
  process.exit(2);
}

function parseArgs(argv: readonly string[]): CliArgs {
  const out: CliArgs = { cases: 200, seed: 1, target: 'all', from: 0, only: undefined, verbose: false };
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
    else if (key === '--target') {
      if (value !== 'dsl' && value !== 'qp' && value !== 'all') usage(`--target must be dsl, qp or all, got ${String(value)}`);
      out.target = value;
      i++;
    } else if (key === '--only') {
      const list = (value ?? '').split(',').map(Number);
      if (value === undefined || list.some((n) => !Number.isInteger(n) || n < 0)) usage(`--only needs comma-separated case indices, got ${String(value)}`);
      out.only = list;
      i++;
    } else if (key === '--verbose') out.verbose = true;
    else usage(`unknown argument ${key}`);
  }
  return out;
}

function progress(target: string): (done: number, total: number) => void {
  let last = 0;
  return (done, total) => {
    const now = Date.now();
    if (done === total || now - last > 2000) {
      last = now;
      process.stderr.write(`[${target}] ${done}/${total}\n`);
    }
  };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  let bad = false;
  if (args.target === 'dsl' || args.target === 'all') {
    const s = await runDslFuzz({ cases: args.cases, seed: args.seed, from: args.from, ...(args.only ? { only: args.only } : {}), onProgress: progress('dsl') });
    if (args.verbose) for (const f of s.failures) process.stderr.write(`--- case ${f.index} (seed ${f.seed}) ${f.category}${f.route ? ` on ${f.route}` : ''}: ${f.detail}\n${f.problem}\n`);
    const failures = s.failures.filter((f) => f.category !== 'gradient-flagged' && f.category !== 'flagged').map((f) => ({ index: f.index, category: f.category, route: f.route, detail: f.detail.slice(0, 300) }));
    process.stdout.write(`${JSON.stringify({ ...s, failures: failures.slice(0, 50), failuresListed: Math.min(50, failures.length) })}\n`);
    bad ||= s.wrongOptimal + s.falseCertificates + s.untypedExceptions + s.timeouts + s.gradientFailures + s.routeDisagreements > 0;
  }
  if (args.target === 'qp' || args.target === 'all') {
    const s = await runQpFuzz({ cases: args.cases, seed: args.seed, onProgress: progress('qp') });
    if (args.verbose) for (const f of s.failures) process.stderr.write(`--- qp case ${f.index}: ${JSON.stringify(f)}\n`);
    process.stdout.write(`${JSON.stringify({ target: 'qp', ...s })}\n`);
    bad ||= s.wrongOptimal + s.falseCertificates + s.untypedExceptions > 0;
  }
  process.exitCode = bad ? 1 : 0;
}

await main();
