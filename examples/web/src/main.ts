/**
 * The browser demo: optlayers bundled by Vite, imported by package name.
 * Drag a point in the plane; a ConvexLayer (DSL problem, SCS) projects it
 * onto a polytope and its gradient gives the Jacobian, a sparsemax layer (QP
 * route) turns (a1, a2, 0) into sparse probabilities. At start-up the page
 * also evaluates fixed probe inputs, a batched OptNet qp() solve and an SOCP,
 * and writes everything as JSON to <pre id="results"> (data-ready="true"
 * when done) for scripts/test_browser.mjs to check against closed forms.
 *
 * Query: ?backend=wasm|cpu|webgl forces a tfjs backend (default: webgl when
 * available, else wasm, else cpu); ?preset=cpu activates one with
 * tf.setBackend before init(), which keeps it.
 */
import * as tf from '@tensorflow/tfjs';
import { init, type BackendChoice } from 'optlayers';
import { project, projectionLayer, type ProjectionReadout } from './projection.js';
import { qpSimplexProjection } from './qp_demo.js';
import { unitBallMaximum } from './socp_demo.js';
import { sparsemax, sparsemaxLayer } from './sparsemax.js';
import { ProjectionView, renderBars, renderTable } from './view.js';

interface PageError {
  readonly name: string;
  readonly message: string;
}

const results: Record<string, unknown> & { errors: PageError[] } = { ok: false, errors: [] };
const resultsEl = document.getElementById('results')!;
const statusEl = document.getElementById('status')!;

function publish(ready: boolean): void {
  resultsEl.textContent = JSON.stringify(results, null, 2);
  if (ready) resultsEl.dataset['ready'] = 'true';
}

function record(err: unknown): void {
  const e = err instanceof Error ? { name: err.name, message: err.message } : { name: 'Error', message: String(err) };
  results.errors.push(e);
  statusEl.textContent = `${e.name}: ${e.message}`;
  statusEl.className = 'error';
  publish(true);
}
window.addEventListener('error', (ev) => record(ev.error ?? ev.message));
window.addEventListener('unhandledrejection', (ev) => record(ev.reason));

/** Probe inputs with known answers: interior (x* = a), on the cut x1 + x2 = 1, at the vertex (1, -1). */
const PROBES: readonly [number, number][] = [[0.3, -0.2], [1.5, 1.5], [2, -2]];

async function main(): Promise<void> {
  const t0 = performance.now();
  const query = new URLSearchParams(location.search);
  // ?preset=cpu plays an app that picked its backend before optlayers: init() must keep it.
  const preset = query.get('preset');
  if (preset) await tf.setBackend(preset);
  const forced = query.get('backend') ?? undefined;
  const choice: BackendChoice = await init(forced ? { backend: forced } : {});
  const tInit = performance.now();
  results['backend'] = choice;
  results['activeBackend'] = tf.getBackend();
  statusEl.textContent = `Backend: ${tf.getBackend()} (${choice.reason}). Solvers: SCS and the QP interior point method, in float64.`;

  const projector = projectionLayer();
  const classifier = sparsemaxLayer(3);
  results['probes'] = PROBES.map((a) => project(projector, a));
  results['sparsemax'] = sparsemax(classifier, [0.9, 0.4, 0]);
  results['qp'] = qpSimplexProjection([[0.9, 0.8, -0.4], [2, 0, -1], [0.2, 0.5, 0.1]]);
  results['socp'] = unitBallMaximum([3, 4]);

  const table = document.getElementById('projection') as HTMLTableElement;
  const sparseTable = document.getElementById('sparsemax') as HTMLTableElement;
  const bars = document.getElementById('bars') as unknown as SVGSVGElement;
  let pending: [number, number] | undefined;
  const update = (a: readonly [number, number]): ProjectionReadout => {
    const r = project(projector, a);
    view.draw(r);
    renderTable(table, [['a', r.a], ['x*(a)', r.x], ['|x* − a|²', [r.objective]], ['∂x*₁/∂a', r.jacobian[0]!], ['∂x*₂/∂a', r.jacobian[1]!]]);
    const s = sparsemax(classifier, [a[0], a[1], 0]);
    renderBars(bars, s);
    renderTable(sparseTable, [['z', s.z], ['p', s.p], ['∂p₁/∂z', s.jacobian[0]!]]);
    return r;
  };
  const view = new ProjectionView(document.getElementById('plot') as unknown as SVGSVGElement, (a) => {
    // One solve per animation frame, however fast the pointer moves.
    if (pending === undefined) requestAnimationFrame(() => {
      const next = pending!;
      pending = undefined;
      try {
        update(next);
      } catch (err) {
        record(err);
      }
    });
    pending = a;
  });

  // Simulated drags: the interactive path must not leak tensors.
  update([1.2, 0.9]);
  const before = tf.memory().numTensors;
  const drags = 12;
  for (let k = 0; k < drags; k++) update([2 * Math.cos(k), 2 * Math.sin(k)]);
  results['leak'] = { drags, numTensorsBefore: before, numTensorsAfter: tf.memory().numTensors };
  update([1.2, 0.9]);

  results['wasmResources'] = performance
    .getEntriesByType('resource')
    .map((e) => e.name)
    .filter((name) => /\.wasm(\?|$)/.test(name));
  results['timingsMs'] = { init: Math.round(tInit - t0), total: Math.round(performance.now() - t0) };
  results['ok'] = results.errors.length === 0;
  publish(true);
}

main().catch(record);
