/**
 * `npm run docs:figures`: regenerates the README's pictures under docs/.
 *
 * - docs/mpc.svg: runs examples/control/mpc.ts at its default settings
 *   (60 closed-loop steps, a few seconds) and copies its plot.
 * - docs/pendulum.svg: runs examples/pendulum/main.ts with its default
 *   training (40 epochs on 4000 states) but 100 instead of 1000 near-rest
 *   rollouts (PENDULUM_FLAGS below; the plot shows one of them, the one where
 *   the plain model ends farthest from the truth), and copies the trajectory
 *   plot. A few minutes on two idle cores.
 * - docs/sudoku_learning_curve.svg: drawn from the results JSON of a Sudoku
 *   run (`--sudoku-results FILE`, default sudoku_results.json, which
 *   `npm run example:sudoku` writes); training Sudoku here would take
 *   minutes, so the script reads the figures of a run instead.
 *
 * Flags: --sudoku-results FILE, --out DIR (default docs), --only mpc|pendulum|sudoku.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { renderSvg } from '../examples/common/svg_plot.js';
import { learningCurvePanels, type SudokuResultsJson } from '../examples/sudoku/learning_curve.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    'sudoku-results': { type: 'string', default: 'sudoku_results.json' },
    out: { type: 'string', default: 'docs' },
    only: { type: 'string' },
  },
});
const FIGURES = ['mpc', 'pendulum', 'sudoku'] as const;
type Figure = (typeof FIGURES)[number];
if (values.only !== undefined && !(FIGURES as readonly string[]).includes(values.only)) {
  throw new RangeError(`--only must be one of ${FIGURES.join(', ')}, got ${values.only}`);
}
const wanted = (f: Figure): boolean => values.only === undefined || values.only === f;
const outDir = resolve(values.out!);
mkdirSync(outDir, { recursive: true });

const PENDULUM_FLAGS = ['--rollouts', '100'];

/** Runs an example script with tsx (resolving 'optlayers' to the sources) and fails loudly if it fails. */
function runExample(script: string, args: readonly string[]): void {
  const tsx = join(root, 'node_modules', '.bin', 'tsx');
  console.log(`running ${script} ${args.join(' ')}`);
  const result = spawnSync(tsx, ['--conditions=optlayers-source', join(root, script), ...args], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) throw new Error(`${script} failed (exit status ${result.status}${result.error ? `, ${result.error.message}` : ''})`);
}

const written: string[] = [];
const work = mkdtempSync(join(tmpdir(), 'optlayers-docs-figures-'));
try {
  if (wanted('mpc')) {
    const dir = join(work, 'mpc');
    runExample('examples/control/mpc.ts', ['--out', dir]);
    copyFileSync(join(dir, 'mpc.svg'), join(outDir, 'mpc.svg'));
    written.push(join(outDir, 'mpc.svg'));
  }
  if (wanted('pendulum')) {
    const dir = join(work, 'pendulum');
    runExample('examples/pendulum/main.ts', [...PENDULUM_FLAGS, '--out', dir]);
    copyFileSync(join(dir, 'trajectories_n2.svg'), join(outDir, 'pendulum.svg'));
    written.push(join(outDir, 'pendulum.svg'));
  }
  if (wanted('sudoku')) {
    const file = resolve(values['sudoku-results']!);
    if (!existsSync(file)) throw new Error(`${file} does not exist: run \`npm run example:sudoku\` first (it writes sudoku_results.json) or pass --sudoku-results FILE`);
    const results = JSON.parse(readFileSync(file, 'utf8')) as SudokuResultsJson;
    writeFileSync(join(outDir, 'sudoku_learning_curve.svg'), renderSvg(learningCurvePanels(results), 2));
    written.push(join(outDir, 'sudoku_learning_curve.svg'));
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
console.log(`wrote ${written.join(', ')}`);
