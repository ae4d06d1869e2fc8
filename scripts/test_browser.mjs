#!/usr/bin/env node
// `npm run test:browser`: optlayers in a real browser, bundled the way users
// bundle it. Builds the Vite demo page (examples/web) and a minimal esbuild
// app (examples/web/esbuild_app, the documented recipe), serves both on
// 127.0.0.1, opens them in Debian's Chromium, headless, through
// playwright-core, and checks the JSON each page writes into #results:
//   - polytope projections by a ConvexLayer on SCS, against a brute-force
//     active-set enumeration done here (point and Jacobian I - N'(NN')^-1 N);
//   - sparsemax (QP route) and a batched OptNet qp() simplex projection,
//     against the sort-based closed form (Martins & Astudillo 2016) and its
//     Jacobian diag(s) - ss'/|S|;
//   - an SOCP max c'x s.t. |x| <= 1 (value |c|, x = c/|c|);
//   - no tensor growth over simulated drags;
//   - a backend the app set before init() (?preset=cpu) is kept;
//   - with ?backend=wasm: the tfjs wasm backend is active and both WASM
//     binaries (SCS, tfjs-backend-wasm) came from the bundle, as application/wasm;
//   - the esbuild app solves too, and a wrong wasmPaths.scs / wasmPaths.tfjs
//     gives a WasmAssetError naming the URL;
//   - the same app built against the package as published (dist/ .js,
//     resolved through the exports map) by Vite with no config file and by
//     esbuild with only the documented recipe also solves on wasm;
//   - no console errors and no page errors (except the expected 404 of that last page).
// Chromium: /usr/bin/chromium or $CHROMIUM_PATH (apt-get install chromium).
// Options: --keep (leave the build folder), --headed (watch it), --verbose (print each page's JSON),
// --dist (build the release apps against the real `npm run build` output in dist/ instead of a transpile;
// `npm test` passes it, right after test:package has built dist/).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDemo, buildEsbuildApp } from '../examples/web/build.mjs';
import { buildReleaseApps } from '../examples/web/release_apps.mjs';
import { serveStatic } from '../examples/web/static_server.mjs';

const args = new Set(process.argv.slice(2));
const started = Date.now();
const timings = [];
const failures = [];
const TIMEOUT_MS = 45_000;

function check(condition, message) {
  if (!condition) failures.push(message);
  return condition;
}

async function step(name, f) {
  const t0 = Date.now();
  process.stdout.write(`test:browser: ${name} ... `);
  try {
    const r = await f();
    const s = (Date.now() - t0) / 1000;
    timings.push([name, s]);
    console.log(`ok (${s.toFixed(1)} s)`);
    return r;
  } catch (error) {
    console.log('FAILED');
    throw error;
  }
}

// ---------- independent evidence (closed forms, brute force) ----------

const HALFPLANES = [
  [[-1, 0], 1],
  [[0, -1], 1],
  [[1, 0], 1],
  [[0, 1], 1],
  [[1, 1], 1],
];

/**
 * Projection of a onto {x : n_i'x <= h_i} in 2-D by brute force over active
 * sets of size 0, 1, 2: each gives the KKT point of the equality-constrained
 * projection; the answer is the feasible one with nonnegative multipliers.
 * Returns the point and the Jacobian I - N'(N N')^-1 N of the active set.
 */
function bruteForceProjection(a) {
  const sets = [[]];
  for (let i = 0; i < HALFPLANES.length; i++) {
    sets.push([i]);
    for (let j = i + 1; j < HALFPLANES.length; j++) sets.push([i, j]);
  }
  let best;
  for (const set of sets) {
    const N = set.map((i) => HALFPLANES[i][0]);
    const h = set.map((i) => HALFPLANES[i][1]);
    // x = a - N' lambda with N x = h  =>  (N N') lambda = N a - h.
    const M = N.map((ni) => N.map((nj) => ni[0] * nj[0] + ni[1] * nj[1]));
    const rhs = N.map((ni, k) => ni[0] * a[0] + ni[1] * a[1] - h[k]);
    let lambda;
    if (set.length === 0) lambda = [];
    else if (set.length === 1) lambda = [rhs[0] / M[0][0]];
    else {
      const det = M[0][0] * M[1][1] - M[0][1] * M[1][0];
      if (Math.abs(det) < 1e-12) continue;
      lambda = [(rhs[0] * M[1][1] - M[0][1] * rhs[1]) / det, (M[0][0] * rhs[1] - M[1][0] * rhs[0]) / det];
    }
    if (lambda.some((l) => l < -1e-12)) continue;
    const x = [a[0] - N.reduce((s, n, k) => s + n[0] * lambda[k], 0), a[1] - N.reduce((s, n, k) => s + n[1] * lambda[k], 0)];
    if (!HALFPLANES.every(([n, hh]) => n[0] * x[0] + n[1] * x[1] <= hh + 1e-9)) continue;
    const d = (x[0] - a[0]) ** 2 + (x[1] - a[1]) ** 2;
    if (best && best.d <= d + 1e-12) continue;
    // Jacobian of the projection onto the affine set {N x = h}: I - N'(N N')^-1 N (zero for two independent rows in 2-D).
    let J = [[1, 0], [0, 1]];
    if (set.length === 1) {
      const [n0, n1] = N[0];
      const s = n0 * n0 + n1 * n1;
      J = [[1 - (n0 * n0) / s, -(n0 * n1) / s], [-(n0 * n1) / s, 1 - (n1 * n1) / s]];
    } else if (set.length === 2) J = [[0, 0], [0, 0]];
    best = { x, d, J, set };
  }
  return best;
}

/** Euclidean projection onto the probability simplex by sorting (sparsemax, Martins & Astudillo 2016, Alg. 1) and its Jacobian. */
function simplexProjection(z) {
  const sorted = [...z].sort((p, q) => q - p);
  let cum = 0;
  let tau = 0;
  for (let k = 0; k < sorted.length; k++) {
    cum += sorted[k];
    const t = (cum - 1) / (k + 1);
    if (sorted[k] - t > 0) tau = t;
  }
  const p = z.map((v) => Math.max(v - tau, 0));
  const s = p.map((v) => (v > 0 ? 1 : 0));
  const support = s.reduce((a, b) => a + b, 0);
  const J = z.map((_, i) => z.map((__, j) => (i === j ? s[i] : 0) - (s[i] * s[j]) / support));
  return { p, J };
}

const close = (a, b, tol) => Math.abs(a - b) <= tol;
const closeVec = (a, b, tol) => Array.isArray(a) && a.length === b.length && a.every((v, i) => close(v, b[i], tol));
const closeMat = (a, b, tol) => Array.isArray(a) && a.length === b.length && a.every((row, i) => closeVec(row, b[i], tol));
const show = (v) => JSON.stringify(v, (_, x) => (typeof x === 'number' ? Number(x.toFixed(5)) : x));

/** Checks the demo page's results against the evidence above. */
function checkDemo(r, label) {
  check(r.ok === true && r.errors.length === 0, `${label}: page reported errors ${show(r.errors)}`);
  for (const probe of r.probes ?? []) {
    const want = bruteForceProjection(probe.a);
    check(closeVec(probe.x, want.x, 1e-4), `${label}: projection of ${show(probe.a)} = ${show(probe.x)}, brute force gives ${show(want.x)}`);
    check(close(probe.objective, want.d, 1e-4), `${label}: |x*-a|^2 at ${show(probe.a)} = ${probe.objective}, expected ${want.d}`);
    check(closeMat(probe.jacobian, want.J, 2e-3), `${label}: Jacobian at ${show(probe.a)} = ${show(probe.jacobian)}, expected ${show(want.J)} (active set ${show(want.set)})`);
  }
  check(r.probes?.length === 3, `${label}: expected 3 projection probes, got ${r.probes?.length}`);
  const sm = simplexProjection(r.sparsemax?.z ?? [0.9, 0.4, 0]);
  check(closeVec(r.sparsemax?.p, sm.p, 1e-4), `${label}: sparsemax ${show(r.sparsemax?.p)}, closed form ${show(sm.p)}`);
  check(closeMat(r.sparsemax?.jacobian, sm.J, 2e-3), `${label}: sparsemax Jacobian ${show(r.sparsemax?.jacobian)}, closed form ${show(sm.J)}`);
  const rows = r.qp?.x ?? [];
  check(rows.length === 3, `${label}: qp() batch of 3 expected, got ${rows.length}`);
  rows.forEach((x, i) => {
    const { p, J } = simplexProjection(x);
    // d/dx sum |z - e1|^2 = J' 2 (z - e1).
    const g = 2;
    const resid = p.map((v, k) => g * (v - (k === 0 ? 1 : 0)));
    const grad = x.map((_, j) => J.reduce((s, row, k) => s + row[j] * resid[k], 0));
    check(closeVec(r.qp.z[i], p, 1e-4), `${label}: qp() row ${i}: z = ${show(r.qp.z[i])}, closed form ${show(p)}`);
    check(closeVec(r.qp.grad[i], grad, 2e-3), `${label}: qp() row ${i}: gradient ${show(r.qp.grad[i])}, closed form ${show(grad)}`);
  });
  const c = r.socp?.c ?? [3, 4];
  const norm = Math.hypot(...c);
  check(r.socp?.status === 'optimal' && close(r.socp.value, norm, 1e-5), `${label}: SOCP value ${r.socp?.value} (${r.socp?.status}), expected |c| = ${norm}`);
  check(closeVec(r.socp?.x, c.map((v) => v / norm), 1e-5), `${label}: SOCP x ${show(r.socp?.x)}, expected c/|c|`);
  check(r.leak && r.leak.numTensorsAfter === r.leak.numTensorsBefore, `${label}: tensors grew over ${r.leak?.drags} drags: ${r.leak?.numTensorsBefore} -> ${r.leak?.numTensorsAfter}`);
  check(r.activeBackend === r.backend?.backend, `${label}: active backend ${r.activeBackend} differs from init()'s choice ${r.backend?.backend}`);
}

/** The bundle's WebAssembly files this server sent for one page, by name prefix. */
function servedWasm(requests, mount) {
  return requests.filter((q) => q.path.startsWith(mount) && q.path.endsWith('.wasm'));
}

function checkWasmFromBundle(requests, mount, label, wanted) {
  const served = servedWasm(requests, mount);
  for (const prefix of wanted) {
    const hit = served.find((q) => q.path.slice(q.path.lastIndexOf('/') + 1).startsWith(prefix));
    check(hit && hit.status === 200 && hit.type === 'application/wasm', `${label}: ${prefix}*.wasm was not served from the bundle as application/wasm (served: ${show(served)})`);
  }
}

// ---------- run ----------

const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
if (!existsSync(chromiumPath)) {
  console.error(
    `test:browser: Chromium not found at ${chromiumPath}. Install Debian's Chromium (as root: apt-get update && apt-get install -y chromium), ` +
      'or set CHROMIUM_PATH to a Chromium/Chrome executable.',
  );
  process.exit(1);
}

const work = mkdtempSync(join(tmpdir(), 'optlayers-browser-'));
let server;
let context;
try {
  const viteOut = join(work, 'vite');
  const esbuildOut = join(work, 'esbuild');
  await step('vite build of examples/web', () => buildDemo(viteOut));
  await step('esbuild bundle of examples/web/esbuild_app (loader .wasm=file, external module)', () => buildEsbuildApp(esbuildOut));
  const fromDist = args.has('--dist');
  const release = await step(`${fromDist ? 'the built package (dist/)' : 'release-like package'}: Vite (no config) and esbuild (recipe) apps`, () =>
    buildReleaseApps(join(work, 'release'), { fromDist }),
  );
  server = await serveStatic({ '/vite/': viteOut, '/esbuild/': esbuildOut, '/release-vite/': release.viteOut, '/release-esbuild/': release.esbuildOut });
  console.log(`test:browser: serving on ${server.url}`);

  const { chromium } = await import('playwright-core');
  context = await step(`launch ${chromiumPath}`, () =>
    chromium.launchPersistentContext(join(work, 'profile'), {
      executablePath: chromiumPath,
      headless: !args.has('--headed'),
      args: [
        ...(args.has('--headed') ? [] : ['--headless']),
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    }),
  );

  /** Opens a page, waits for #results[data-ready=true], returns the parsed JSON and every console error / page error. */
  async function visit(path) {
    const page = await context.newPage();
    const problems = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console.error: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('requestfailed', (q) => problems.push(`request failed: ${q.url()} (${q.failure()?.errorText})`));
    const response = await page.goto(server.url + path, { waitUntil: 'load', timeout: TIMEOUT_MS });
    check(response?.status() === 200, `${path}: page load returned HTTP ${response?.status()}`);
    await page.waitForSelector('#results[data-ready="true"]', { state: 'attached', timeout: TIMEOUT_MS });
    const text = await page.textContent('#results');
    await page.close();
    if (args.has('--verbose')) console.log(`\n${path}:\n${text}\nconsole/page problems: ${JSON.stringify(problems)}`);
    return { result: JSON.parse(text ?? '{}'), problems };
  }

  const auto = await step('demo page, automatic backend', () => visit('/vite/index.html'));
  console.log(`test:browser:   backend ${auto.result.activeBackend} (${auto.result.backend?.reason}); init ${auto.result.timingsMs?.init} ms, page total ${auto.result.timingsMs?.total} ms`);
  checkDemo(auto.result, 'demo (auto)');
  check(auto.problems.length === 0, `demo (auto): ${auto.problems.join('; ')}`);
  checkWasmFromBundle(server.requests, '/vite/', 'demo (auto)', ['scs-']);

  server.requests.length = 0;
  const wasm = await step('demo page, ?backend=wasm', () => visit('/vite/index.html?backend=wasm'));
  checkDemo(wasm.result, 'demo (wasm)');
  check(wasm.result.activeBackend === 'wasm', `demo (wasm): active backend ${wasm.result.activeBackend}, expected wasm`);
  check(wasm.problems.length === 0, `demo (wasm): ${wasm.problems.join('; ')}`);
  checkWasmFromBundle(server.requests, '/vite/', 'demo (wasm)', ['scs-', 'tfjs-backend-wasm']);

  const kept = await step('demo page, backend set by the app before init() (?preset=cpu)', () => visit('/vite/index.html?preset=cpu'));
  checkDemo(kept.result, 'demo (preset cpu)');
  check(kept.result.backend?.kept === true && kept.result.activeBackend === 'cpu', `demo (preset cpu): init() should keep the app's cpu backend, got ${show(kept.result.backend)} / ${kept.result.activeBackend}`);
  check(kept.problems.length === 0, `demo (preset cpu): ${kept.problems.join('; ')}`);

  /** The minimal app: b = (2, -1, 0.5) projected onto x >= 0 is max(b, 0), d sum(x) / d b = [b > 0], on the wasm backend, binaries from its bundle. */
  async function checkMinimalApp(mount, label) {
    server.requests.length = 0;
    const { result, problems } = await step(`${label}, ?backend=wasm`, () => visit(`${mount}index.html?backend=wasm`));
    check(result.ok === true, `${label}: ${show(result.error)}`);
    check(closeVec(result.x, [2, 0, 0.5], 1e-4), `${label}: x = ${show(result.x)}, expected max(b, 0) = [2, 0, 0.5]`);
    check(closeVec(result.grad, [1, 0, 1], 1e-3), `${label}: gradient ${show(result.grad)}, expected [b > 0] = [1, 0, 1]`);
    check(result.activeBackend === 'wasm', `${label}: active backend ${result.activeBackend}, expected wasm`);
    check(problems.length === 0, `${label}: ${problems.join('; ')}`);
    checkWasmFromBundle(server.requests, mount, label, ['scs-', 'tfjs-backend-wasm']);
  }
  await checkMinimalApp('/esbuild/', 'esbuild app');
  await checkMinimalApp('/release-vite/', 'published package, Vite app without config');
  await checkMinimalApp('/release-esbuild/', 'published package, esbuild app with the recipe');

  const missing = '/esbuild/missing/scs.wasm';
  const bad = await step('esbuild app, wasmPaths.scs pointing at a missing file', () => visit(`/esbuild/index.html?backend=cpu&scs=${encodeURIComponent(missing)}`));
  const err = bad.result.error ?? {};
  check(bad.result.ok === false && err.name === 'WasmAssetError', `missing SCS binary: expected a WasmAssetError, got ${show(bad.result)}`);
  check(err.url === server.url + missing && err.status === 404 && err.asset === 'scs', `missing SCS binary: error should name ${server.url + missing} (404, scs), got ${show(err)}`);
  check(typeof err.message === 'string' && err.message.includes(server.url + missing) && err.message.includes('wasmPaths'), `missing SCS binary: message should name the URL and wasmPaths: ${err.message}`);
  // The browser itself logs the failed fetch; that one console error is expected, nothing else.
  const unexpected = bad.problems.filter((p) => !/404/.test(p));
  check(unexpected.length === 0, `missing SCS binary: unexpected ${unexpected.join('; ')}`);

  const missingFolder = '/esbuild/missing/';
  const badTfjs = await step('esbuild app, wasmPaths.tfjs pointing at a missing folder', () => visit(`/esbuild/index.html?backend=wasm&tfjs=${encodeURIComponent(missingFolder)}`));
  const tErr = badTfjs.result.error ?? {};
  check(
    badTfjs.result.ok === false && tErr.name === 'WasmAssetError' && tErr.asset === 'tfjs-backend-wasm' && tErr.status === 404 && tErr.url === `${server.url + missingFolder}tfjs-backend-wasm-simd.wasm`,
    `missing tfjs binaries: expected a WasmAssetError naming the SIMD binary tfjs picks (Chromium has WebAssembly SIMD, no cross-origin isolation, so no threads) under ${server.url + missingFolder}, got ${show(badTfjs.result)}`,
  );
  // tfjs and emscripten log the failed initialization themselves; only errors about something else would be a problem.
  const unrelated = badTfjs.problems.filter((p) => !/404|wasm|Aborted|WebAssembly|backend/i.test(p));
  check(unrelated.length === 0, `missing tfjs binaries: unexpected ${unrelated.join('; ')}`);
} finally {
  await context?.close();
  await server?.close();
  if (args.has('--keep')) console.log(`test:browser: kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}

const total = (Date.now() - started) / 1000;
console.log(`test:browser: timings (s): ${JSON.stringify(Object.fromEntries(timings.map(([n, s]) => [n, Number(s.toFixed(1))])))}; total ${total.toFixed(1)} s`);
if (failures.length) {
  console.error(`test:browser: ${failures.length} check(s) FAILED:\n  - ${failures.join('\n  - ')}`);
  process.exit(1);
}
console.log('test:browser: all checks passed');
