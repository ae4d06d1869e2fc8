/**
 * The smallest browser app, bundled by esbuild with the documented recipe
 * (scripts/test_browser.mjs runs it in Chromium):
 *
 *   esbuild main.ts --bundle --platform=browser --format=esm \
 *     --loader:.wasm=file --external:module --outdir=out
 *
 * `--loader:.wasm=file` emits the WebAssembly binaries optlayers imports by
 * `?url`; `--external:module` leaves alone scs-solver's Node-only
 * `import("module")` (it never runs in a browser).
 *
 * It projects b = (2, -1, 0.5) onto x >= 0 (closed form max(b, 0), gradient
 * of sum(x) = [b > 0]) on the backend given by ?backend= (default: automatic).
 * ?scs=<url> / ?tfjs=<folder/> point SCS / tfjs-backend-wasm at other
 * binaries, to show the error a missing file gives.
 */
import * as tf from '@tensorflow/tfjs';
import { ConvexLayer, init } from 'optlayers';
import { Problem, minimize, parameter, sumSquares, variable } from 'optlayers/dsl';

const out = document.getElementById('results')!;
const query = new URLSearchParams(location.search);

async function main(): Promise<Record<string, unknown>> {
  const backend = query.get('backend') ?? undefined;
  const scs = query.get('scs') ?? undefined;
  const tfjs = query.get('tfjs') ?? undefined;
  const wasmPaths = { ...(scs ? { scs } : {}), ...(tfjs ? { tfjs } : {}) };
  const choice = await init({ ...(backend ? { backend } : {}), ...(scs || tfjs ? { wasmPaths } : {}) });
  const b = parameter(3, { name: 'b' });
  const x = variable(3, { name: 'x' });
  const layer = new ConvexLayer(new Problem(minimize(sumSquares(x.sub(b))), [x.ge(0)]), { parameters: [b], variables: [x], solver: 'scs' });
  const bValue = tf.tensor1d([2, -1, 0.5]);
  const xStar = Array.from(layer.apply([bValue])[0]!.dataSync());
  const grad = Array.from(tf.grad((v: tf.Tensor) => tf.sum(layer.apply([v])[0]!))(bValue).dataSync());
  const wasm = performance.getEntriesByType('resource').map((e) => e.name).filter((n) => /\.wasm(\?|$)/.test(n));
  return { ok: true, backend: choice.backend, activeBackend: tf.getBackend(), x: xStar, grad, wasmResources: wasm };
}

main()
  .then((r) => {
    out.textContent = JSON.stringify(r);
  })
  .catch((e: unknown) => {
    const err = e as { name?: string; message?: string; url?: string; asset?: string; status?: number };
    out.textContent = JSON.stringify({ ok: false, error: { name: err.name, message: err.message, url: err.url, asset: err.asset, status: err.status } });
  })
  .finally(() => {
    out.dataset['ready'] = 'true';
  });
