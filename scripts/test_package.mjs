#!/usr/bin/env node
// `npm run test:package`: builds and packs optlayers, installs the tarball into
// fresh apps in a temporary folder, the way users get it, and runs a solve and
// a gradient in each:
//   esm          plain ES-module JavaScript, plus the CLI on scripts outside the app
//   cjs          CommonJS require('optlayers'), require('optlayers/dsl'), require('optlayers/solvers')
//   ts           TypeScript type-checked with moduleResolution node10, node16 (import and require) and bundler
//   pinned-tfjs  an app pinning tfjs 4.20.0: must end with ONE @tensorflow/tfjs-core in its tree
// Evidence is a closed form: the layer projects b onto x >= 0, so x = max(b, 0)
// and d sum(x) / d b = [b > 0]. Also checks `npm pack` contents.
// Options: --skip-build (reuse dist/), --keep (leave the temporary folder).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const work = mkdtempSync(join(tmpdir(), 'optlayers-package-'));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const TFJS_DEV = '^4.22.0';
const TFJS_PINNED = '4.20.0';
const timings = [];
const started = Date.now();

function step(name, f) {
  const t0 = Date.now();
  process.stdout.write(`test:package: ${name} ... `);
  try {
    const result = f();
    const s = (Date.now() - t0) / 1000;
    timings.push([name, s]);
    console.log(`ok (${s.toFixed(1)} s)`);
    return result;
  } catch (error) {
    console.log('FAILED');
    throw error;
  }
}

function run(cmd, argv, cwd, extra = {}) {
  try {
    return execFileSync(cmd, argv, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...extra });
  } catch (error) {
    throw new Error(`${cmd} ${argv.join(' ')} (in ${cwd}) failed with ${error.status}:\n${error.stdout ?? ''}\n${error.stderr ?? ''}`);
  }
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

function writeFiles(dir, files) {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), typeof text === 'string' ? text : `${JSON.stringify(text, null, 2)}\n`);
  }
}

const INSTALL = ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'];

function app(name, packageJson, files) {
  const dir = join(work, name);
  writeFiles(dir, { 'package.json': { name: `optlayers-package-test-${name}`, version: '1.0.0', private: true, ...packageJson }, ...files });
  run(npm, INSTALL, dir);
  return dir;
}

/** The app check, as ES-module JavaScript; `expectLine` below is what every variant prints. */
const ESM_MAIN = `import * as tf from '@tensorflow/tfjs';
import { ConvexLayer, init } from 'optlayers';
import { Problem, minimize, parameter, sumSquares, variable } from 'optlayers/dsl';
import { solveScs, cscFromDense, NO_CONES } from 'optlayers/solvers';

const choice = await init();
const b = parameter(3, { name: 'b' });
const x = variable(3, 'x');
const layer = new ConvexLayer(new Problem(minimize(sumSquares(x.sub(b))), [x.ge(0)]), { parameters: [b], variables: [x] });
const bValue = tf.tensor1d([2, -1, 0.5]);
const xStar = Array.from(layer.apply([bValue])[0].dataSync());
const grad = Array.from(tf.grad((v) => layer.apply([v])[0].sum())(bValue).dataSync());
const lp = solveScs({ A: cscFromDense(1, 1, [-1]), b: Float64Array.from([-2]), c: Float64Array.from([1]), cones: { ...NO_CONES, nonneg: 1 } });
console.log(JSON.stringify({ backend: choice.backend, x: xStar, grad, lp: lp.x[0], lpStatus: lp.status, tfjs: tf.version_core }));
`;

const CJS_MAIN = `const tf = require('@tensorflow/tfjs');
const { ConvexLayer, init } = require('optlayers');
const { Problem, minimize, parameter, sumSquares, variable } = require('optlayers/dsl');
const { solveScs, cscFromDense, NO_CONES } = require('optlayers/solvers');

(async () => {
  const choice = await init();
  const b = parameter(3, { name: 'b' });
  const x = variable(3, 'x');
  const layer = new ConvexLayer(new Problem(minimize(sumSquares(x.sub(b))), [x.ge(0)]), { parameters: [b], variables: [x] });
  const bValue = tf.tensor1d([2, -1, 0.5]);
  const xStar = Array.from(layer.apply([bValue])[0].dataSync());
  const grad = Array.from(tf.grad((v) => layer.apply([v])[0].sum())(bValue).dataSync());
  const lp = solveScs({ A: cscFromDense(1, 1, [-1]), b: Float64Array.from([-2]), c: Float64Array.from([1]), cones: { ...NO_CONES, nonneg: 1 } });
  console.log(JSON.stringify({ backend: choice.backend, x: xStar, grad, lp: lp.x[0], lpStatus: lp.status, tfjs: tf.version_core }));
})().catch((e) => { console.error(e); process.exit(1); });
`;

/** TypeScript: a Problem from 'optlayers/dsl' must be accepted by ConvexLayer from 'optlayers' (one set of declarations). */
const TS_MAIN = `import * as tf from '@tensorflow/tfjs';
import { ConvexLayer, init, type BackendChoice } from 'optlayers';
import { Problem, minimize, parameter, sumSquares, variable } from 'optlayers/dsl';
import { solveScs, cscFromDense, NO_CONES, type ConeSolution } from 'optlayers/solvers';

export async function main(): Promise<string> {
  const choice: BackendChoice = await init();
  const b = parameter(3, { name: 'b' });
  const x = variable(3, 'x');
  const problem: Problem = new Problem(minimize(sumSquares(x.sub(b))), [x.ge(0)]);
  const layer = new ConvexLayer(problem, { parameters: [b], variables: [x] });
  const bValue = tf.tensor1d([2, -1, 0.5]);
  const xStar = Array.from(layer.apply([bValue])[0]!.dataSync());
  const grad = Array.from(tf.grad((v: tf.Tensor) => layer.apply([v])[0]!.sum())(bValue).dataSync());
  const lp: ConeSolution = solveScs({ A: cscFromDense(1, 1, [-1]), b: Float64Array.from([-2]), c: Float64Array.from([1]), cones: { ...NO_CONES, nonneg: 1 } });
  return JSON.stringify({ backend: choice.backend, x: xStar, grad, lp: lp.x[0], lpStatus: lp.status, tfjs: tf.version_core });
}
`;
// Deliberate type error: proves the type-check of each mode really sees our declarations.
const TS_BAD = `import { variable } from 'optlayers/dsl';
// @ts-expect-error variable() takes a shape, not a boolean
variable(true);
`;

function checkOutput(stdout, tfjsVersion, label) {
  const line = stdout.trim().split('\n').pop();
  const got = JSON.parse(line);
  const close = (a, e) => a.length === e.length && a.every((v, i) => Math.abs(v - e[i]) < 1e-4);
  check(close(got.x, [2, 0, 0.5]), `${label}: x = ${got.x}, expected max(b, 0) = [2, 0, 0.5]`);
  check(close(got.grad, [1, 0, 1]), `${label}: gradient ${got.grad}, expected [b > 0] = [1, 0, 1]`);
  check(Math.abs(got.lp - 2) < 1e-6 && got.lpStatus === 'optimal', `${label}: LP x = ${got.lp} (${got.lpStatus}), expected 2 optimal`);
  check(got.backend === 'wasm', `${label}: backend ${got.backend}, expected wasm (the peer installed next to optlayers)`);
  if (tfjsVersion) check(got.tfjs === tfjsVersion, `${label}: tfjs-core ${got.tfjs}, expected the app's ${tfjsVersion}`);
}

/** Every @tensorflow/tfjs-core folder under an app's node_modules (nested copies included). */
function tfjsCoreCopies(dir) {
  const found = [];
  const walk = (d, depth) => {
    if (depth > 8) return;
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (!statSync(p).isDirectory()) continue;
      if (name === 'tfjs-core' && d.endsWith(join('node_modules', '@tensorflow'))) found.push(p);
      walk(p, depth + 1);
    }
  };
  walk(join(dir, 'node_modules'), 0);
  return found;
}

try {
  if (!args.has('--skip-build')) step('npm run build', () => run(npm, ['run', 'build', '--silent'], root));

  const tarball = step('npm pack', () => {
    const [info] = JSON.parse(run(npm, ['pack', '--json', '--pack-destination', work], root));
    const files = info.files.map((f) => f.path);
    const stray = files.filter(
      (f) => !(f.startsWith('dist/') || f.startsWith('bin/') || ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md'].includes(f)),
    );
    check(stray.length === 0, `unexpected files in the package: ${stray.join(', ')}`);
    const sources = files.filter((f) => /\.(ts|mts|cts)$/.test(f) && !/\.d\.(ts|mts|cts)$/.test(f));
    check(sources.length === 0, `TypeScript sources in the package: ${sources.slice(0, 5).join(', ')}`);
    check(!files.some((f) => /(^|\/)(test|tests|fuzz|bench|examples)\//.test(f) || /\.test\./.test(f)), 'tests or examples in the package');
    for (const need of ['LICENSE', 'README.md', 'CHANGELOG.md', 'dist/cjs/package.json', 'dist/src/index.js', 'dist/cjs/src/index.js', 'dist/src/cli/main.js', 'dist/dsl/index.d.ts', 'dist/cjs/solvers/index.d.ts', 'bin/optlayers.mjs', 'bin/resolve_hooks.mjs']) {
      check(files.includes(need), `${need} missing from the package`);
    }
    console.log(`\n  ${files.length} files, ${(info.size / 1024).toFixed(0)} kB packed, ${(info.unpackedSize / 1024).toFixed(0)} kB unpacked`);
    return join(work, info.filename);
  });
  const deps = { optlayers: `file:${tarball}`, '@tensorflow/tfjs': TFJS_DEV, '@tensorflow/tfjs-backend-wasm': TFJS_DEV };

  step('ESM app', () => {
    const dir = app('esm', { type: 'module', dependencies: deps }, { 'main.mjs': ESM_MAIN });
    checkOutput(run('node', ['main.mjs'], dir), undefined, 'ESM');
    // The CLI on scripts outside any project: .mjs runs; .ts without tsx on Node < 22.6 explains what to install.
    const outside = join(work, 'outside');
    writeFiles(outside, {
      'script.mjs': "import { dsl } from 'optlayers';\nimport * as tf from '@tensorflow/tfjs';\nconsole.log('cli ok', typeof dsl.variable, typeof tf.tensor);\n",
      'script.ts': "const n: number = await Promise.resolve(1);\nconsole.log('ts ok', n);\n",
    });
    const bin = join(dir, 'node_modules', '.bin', 'optlayers');
    check(run(bin, ['run', join(outside, 'script.mjs')], outside).trim() === 'cli ok function function', 'CLI .mjs script outside the app');
    const [major, minor] = process.versions.node.split('.').map(Number);
    if (major < 22 || (major === 22 && minor < 6)) {
      let message = '';
      try {
        run(bin, ['run', join(outside, 'script.ts')], outside);
      } catch (e) {
        message = String(e.message);
      }
      check(/install --save-dev tsx/.test(message), `CLI .ts script without tsx: expected an install hint, got ${message}`);
    } else {
      check(run(bin, ['run', join(outside, 'script.ts')], outside).trim() === 'ts ok 1', 'CLI .ts script with Node type stripping');
    }
  });

  step('CommonJS app', () => {
    const dir = app('cjs', { dependencies: deps }, { 'main.js': CJS_MAIN });
    checkOutput(run('node', ['main.js'], dir), undefined, 'CommonJS');
  });

  step('TypeScript app (node10, node16, bundler)', () => {
    const base = { strict: true, target: 'ES2022', lib: ['ES2022', 'DOM'], types: [], skipLibCheck: true, outDir: 'out', rootDir: 'src' };
    const dir = app('ts', { dependencies: deps }, {
      'src/main.ts': TS_MAIN,
      'src/bad.ts': TS_BAD,
      'src/run.ts': "import { main } from './main';\n// A rejection stays unhandled, so Node exits non-zero.\nvoid main().then((s) => console.log(s));\n",
      'src/esm.mts': TS_MAIN,
      'src/bad_esm.mts': TS_BAD,
      'tsconfig.node10.json': { compilerOptions: { ...base, module: 'commonjs', moduleResolution: 'node10' }, files: ['src/main.ts', 'src/bad.ts', 'src/run.ts'] },
      // node16: .ts files are CommonJS here (no "type": "module"), .mts files ES modules: both condition sets are checked.
      'tsconfig.node16.json': { compilerOptions: { ...base, module: 'node16', moduleResolution: 'node16', noEmit: true }, files: ['src/main.ts', 'src/bad.ts', 'src/esm.mts', 'src/bad_esm.mts'] },
      'tsconfig.bundler.json': { compilerOptions: { ...base, module: 'esnext', moduleResolution: 'bundler', noEmit: true }, files: ['src/main.ts', 'src/bad.ts'] },
    });
    for (const mode of ['node10', 'node16', 'bundler']) {
      const listed = run('node', [tsc, '-p', `tsconfig.${mode}.json`, '--listFiles'], dir);
      const ours = listed.split('\n').filter((f) => f.includes('node_modules/optlayers/'));
      check(ours.some((f) => f.endsWith('/dist/dsl/index.d.ts') || f.endsWith('/dist/cjs/dsl/index.d.ts')), `${mode}: optlayers/dsl types not from dist`);
      check(ours.every((f) => f.endsWith('.d.ts')), `${mode}: non-declaration optlayers files type-checked: ${ours.filter((f) => !f.endsWith('.d.ts'))}`);
    }
    // The node10 build emitted CommonJS: run it.
    checkOutput(run('node', ['out/run.js'], dir), undefined, 'TypeScript node10');
  });

  step(`app pinning tfjs ${TFJS_PINNED}`, () => {
    const pinned = { ...deps, '@tensorflow/tfjs': TFJS_PINNED, '@tensorflow/tfjs-backend-wasm': TFJS_PINNED };
    const dir = app('pinned-tfjs', { type: 'module', dependencies: pinned }, { 'main.mjs': ESM_MAIN });
    const copies = tfjsCoreCopies(dir);
    check(copies.length === 1, `expected one @tensorflow/tfjs-core, found ${copies.length}: ${copies.join(', ')}`);
    const r = spawnSync('node', ['main.mjs'], { cwd: dir, encoding: 'utf8' });
    check(r.status === 0, `tfjs ${TFJS_PINNED} app failed:\n${r.stdout}\n${r.stderr}`);
    check(!/already registered/i.test(r.stdout + r.stderr), `tfjs ${TFJS_PINNED} app: kernels registered twice:\n${r.stderr.slice(0, 500)}`);
    checkOutput(r.stdout, TFJS_PINNED, `tfjs ${TFJS_PINNED}`);
  });

  const total = (Date.now() - started) / 1000;
  console.log(`test:package: all checks passed in ${total.toFixed(1)} s (${timings.map(([n, s]) => `${n} ${s.toFixed(0)} s`).join(', ')})`);
} finally {
  if (args.has('--keep')) console.log(`test:package: left ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
