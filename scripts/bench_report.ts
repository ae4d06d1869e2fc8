/**
 * `npm run bench:report -- FILE.jsonl`: turns the JSON lines `npm run bench`
 * printed into the markdown tables of docs/benchmarks.md, so every figure
 * there is copied from bench output by a program, not by hand. Each table
 * cell is `median [min, max]` of the line's `timings`; the header of each
 * section gives the date, commit, cores and load the lines carry.
 *
 *   npm run bench -- qp --repeats 7 > out/bench.jsonl
 *   npm run bench:report -- out/bench.jsonl
 */
import { readFileSync } from 'node:fs';

interface Summary {
  median: number;
  min: number;
  max: number;
}
type Line = Record<string, unknown> & { bench: string; timings?: Record<string, Summary>; machine?: { date: string; commit: string; cores: number; load1: number } };

const file = process.argv[2];
if (!file) {
  console.error('usage: npm run bench:report -- FILE.jsonl (the output of npm run bench)');
  process.exit(2);
}
const lines: Line[] = readFileSync(file, 'utf8')
  .split('\n')
  .filter((l) => l.startsWith('{'))
  .map((l) => JSON.parse(l) as Line);

const num = (x: number): string => (Math.abs(x) >= 100 ? x.toFixed(0) : Number(x.toPrecision(3)).toString());
const cell = (s: Summary | undefined): string => (s ? `${num(s.median)} [${num(s.min)}, ${num(s.max)}]` : '');
const sci = (x: unknown): string => (typeof x === 'number' ? x.toExponential(1) : '');

function table(header: string[], rows: string[][]): string {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

function context(of: Line[]): string {
  const m = of.map((l) => l.machine).filter((x) => x !== undefined);
  if (m.length === 0) return '';
  const loads = m.map((x) => x.load1);
  return `${m[0]!.date.slice(0, 16).replace('T', ' ')} UTC, commit ${m[0]!.commit}, ${m[0]!.cores} cores, load ${Math.min(...loads)}-${Math.max(...loads)}`;
}

const sections: string[] = [];
function section(bench: string, title: string, render: (ls: Line[]) => string): void {
  const ls = lines.filter((l) => l.bench === bench);
  if (ls.length > 0) sections.push(`### ${title}\n\n${context(ls)}\n\n${render(ls)}`);
}

section('qp', '`qp` (seconds; median [min, max])', (ls) =>
  table(
    ['(batch, n, nineq, neq)', 'inference', 'fwd', 'bwd', 'fwd + bwd', 'fwd + bwd CPU', 'KKT residual', 'optimal'],
    ls.map((l) => {
      const t = l.timings!;
      return [`(${l['batch']},${l['n']},${l['nineq']},${l['neq']})`, cell(t['fwd_inference_s']), cell(t['fwd_s']), cell(t['bwd_s']), cell(t['fwd_bwd_s']), cell(t['fwd_bwd_cpu_s']), sci(l['kkt_residual']), `${l['optimal']}/${l['batch']}`];
    }),
  ),
);

section('convex', '`convex`: prof.py dense QP, S, p, G, h batched (seconds)', (ls) =>
  table(
    ['(batch, n, nineq)', 'route', 'fwd', 'bwd', 'total', 'grad_err dS / dp / dG / dh', 'elements checked', 'statuses'],
    ls.map((l) => {
      const t = l.timings!;
      const g = (l['grad_err'] ?? {}) as Record<string, number>;
      return [
        `(${l['batch']},${l['n']},${l['nineq']})`,
        String(l['impl']),
        cell(t['fwd_s']),
        cell(t['bwd_s']),
        cell(t['total_s']),
        ['dS', 'dp', 'dG', 'dh'].map((k) => sci(g[k])).join(' / '),
        `${l['grad_elements_checked']}/${l['batch']}`,
        JSON.stringify(l['statuses']),
      ];
    }),
  ),
);

section('compile', '`compile` (milliseconds)', (ls) => {
  const cases = ls.filter((l) => l['kind'] !== 'scaling');
  const fits = ls.filter((l) => l['kind'] === 'scaling');
  const t = table(
    ['problem', 'n', 'parameter entries', 'compile', 'compile CPU', 'data map'],
    cases.map((l) => [String(l['problem']), String(l['n']), String(l['parameter_entries']), cell(l.timings!['compile_ms']), cell(l.timings!['compile_cpu_ms']), cell(l.timings!['data_ms'])]),
  );
  const f = fits.map((l) => {
    const e = (k: string) => (l[k] as { exponent: number }).exponent;
    return `- ${l['problem']}: compile time ~ n^k with k = ${e('exponent_vs_n_from_100')} (wall, n >= 100), ${e('cpu_exponent_vs_n_from_100')} (CPU, n >= 100); the parameter matrix has 2n^2 entries, so k = 2 is linear in the parameter count.`;
  });
  return `${t}\n\n${f.join('\n')}`;
});

section('deq', '`deq` (milliseconds)', (ls) =>
  table(
    ['case', 'iterations', 'converged', 'forward', 'backward', 'total'],
    ls.map((l) => {
      const t = l.timings!;
      return [String(l['case']), String(l['iterations'] ?? l['backwardIterations'] ?? ''), String(l['converged'] ?? ''), cell(t['fwd_ms']), cell(t['bwd_ms']), cell(t['total_ms'])];
    }),
  ),
);

section('stable', '`stable` (milliseconds per batch)', (ls) => {
  const rows = ls.filter((l) => l.timings).map((l) => [String(l['model']), String(l['case']), cell(l.timings!['step_ms'] ?? l.timings!['fwd_ms'])]);
  const overhead = ls.find((l) => l['case'] === 'overhead');
  return `${table(['model', 'case', 'time'], rows)}\n\nStableDynamics / plain, training step (ratio of medians): ${overhead?.['stableOverPlainMedian'] ?? ''}`;
});

section('cone_derivative', '`cone_derivative` (milliseconds)', (ls) =>
  table(
    ['system size', 'method', 'build', 'adjoint', 'adjoint iterations', 'error vs finite differences', 'adjoint-forward consistency'],
    ls.map((l) => [String(l['system']), String(l['method']), cell(l.timings!['build_ms']), cell(l.timings!['adjoint_ms']), String(l['adjoint_iterations']), sci(l['fd_rel_err']), sci(l['adjoint_forward_rel'])]),
  ),
);

console.log(sections.join('\n\n'));
