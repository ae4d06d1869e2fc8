/**
 * `npm run example:mpc`: closed-loop model predictive control of a planar
 * double integrator, written in the DSL, compiled once and re-solved
 * (warm-started) at every step. Writes a plot of states and inputs.
 *
 * Flags: --steps N (default 60), --horizon T (default 20), --noise SIGMA (default 0), --seed S, --out DIR (default out/).
 * Run: npx tsx --conditions=optlayers-source examples/control/mpc.ts
 *
 * Units: SI with a 1 kg point mass, so positions are in m, velocities in m/s
 * and the input force in N (equal to the acceleration in m/s^2).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { initSolvers } from 'optlayers/solvers';
import { ProgressBar } from '../common/progress.js';
import { SeededRandom } from '../common/random.js';
import { renderSvg } from '../common/svg_plot.js';
import { runClosedLoop } from './closed_loop.js';
import { doubleIntegrator2d } from './linear_system.js';
import { buildMpc } from './mpc_problem.js';

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '60' },
    horizon: { type: 'string', default: '20' },
    noise: { type: 'string', default: '0' },
    seed: { type: 'string', default: '1' },
    out: { type: 'string', default: 'out' },
  },
});
const steps = Number(values.steps);
const horizon = Number(values.horizon);

await initSolvers();
const system = doubleIntegrator2d(0.1);
const bounds = { uMax: 1, stateBounds: [{ index: 2, bound: 1 }, { index: 3, bound: 1 }] };
const weights = [1, 1, 0.1, 0.1];
const inputWeight = 0.1;

const t0 = performance.now();
const mpc = buildMpc({ system, bounds, horizon, stateWeights: weights, inputWeight });
const buildMs = performance.now() - t0;
console.log(`MPC for a ${system.name}: horizon ${horizon}, |u|_inf <= ${bounds.uMax}, |velocity| <= 1`);

const start = [4, -3, 0, 0.5];
const bar = new ProgressBar(steps, 'closed loop');
const result = runClosedLoop(mpc, system, start, weights, inputWeight, {
  steps,
  noise: Number(values.noise),
  rng: new SeededRandom(Number(values.seed)),
  onStep: (t) => bar.update(t),
});

const ms = result.solveMs;
const mean = ms.reduce((a, b) => a + b, 0) / ms.length;
const sorted = [...ms].sort((a, b) => a - b);
const last = result.states[result.states.length - 1]!;
let maxU = 0;
let maxV = 0;
for (const u of result.inputs) for (const v of u) maxU = Math.max(maxU, Math.abs(v));
for (const x of result.states.slice(1)) maxV = Math.max(maxV, Math.abs(x[2]!), Math.abs(x[3]!));
console.log(`problem built in ${buildMs.toFixed(1)} ms (compiled once, on the first solve)`);
console.log(`closed-loop cost over ${steps} steps: ${result.cost.toFixed(4)}`);
console.log(`solve time per step: mean ${mean.toFixed(2)} ms, median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(2)} ms, first (includes compile) ${ms[0]!.toFixed(2)} ms`);
console.log(`max |u| = ${maxU.toFixed(4)} (bound 1), max |velocity| = ${maxV.toFixed(4)} (bound 1)`);
console.log(`final state: [${Array.from(last, (v) => v.toFixed(4)).join(', ')}]`);

const outDir = resolve(values.out!);
mkdirSync(outDir, { recursive: true });
const time = result.states.map((_, t) => t * 0.1);
const svg = renderSvg([
  { title: 'positions', x: time, xLabel: 'time t [s]', yLabel: 'position [m]', series: [{ label: 'p_x', y: result.states.map((s) => s[0]!) }, { label: 'p_y', y: result.states.map((s) => s[1]!) }] },
  { title: 'velocities (bound |v| <= 1 m/s dotted)', x: time, xLabel: 'time t [s]', yLabel: 'velocity [m/s]', hLines: [-1, 1], series: [{ label: 'v_x', y: result.states.map((s) => s[2]!) }, { label: 'v_y', y: result.states.map((s) => s[3]!) }] },
  { title: 'inputs (bound |u| <= 1 N dotted)', x: time.slice(0, -1), xLabel: 'time t [s]', yLabel: 'force u [N]', hLines: [-1, 1], series: [{ label: 'u_x', y: result.inputs.map((u) => u[0]!) }, { label: 'u_y', y: result.inputs.map((u) => u[1]!) }] },
  { title: 'solve time per step', x: time.slice(0, -1), xLabel: 'time t [s]', yLabel: 'solve time [ms]', logY: true, series: [{ label: 'warm-started solve (first includes compile)', y: ms }] },
]);
const file = join(outDir, 'mpc.svg');
writeFileSync(file, svg);
console.log(`plot written to ${file}`);
