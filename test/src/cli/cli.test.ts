import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeTypeStrippingFlags, typeScriptRunner } from '../../../src/cli/script_runner.js';

const root = resolve(import.meta.dirname, '..', '..', '..');
const bin = resolve(root, 'bin', 'optlayers.mjs');

const outside = mkdtempSync(join(tmpdir(), 'optlayers-cli-'));
afterAll(() => rmSync(outside, { recursive: true, force: true }));

function cli(...args: string[]) {
  return cliIn(root, ...args);
}

function cliIn(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('optlayers CLI', () => {
  it('runs a user script that imports the package by name, passing its arguments', () => {
    const r = cli('run', 'test/src/cli/fixtures/uses_public_api.ts', 'a', 'b');
    expect(r.err).toBe('');
    expect(r.out.trim()).toBe('x=2.0000 status=optimal args=a,b');
    expect(r.code).toBe(0);
  });

  it("drops the npm-style '--' separator before the script's own arguments", () => {
    const r = cli('run', 'test/src/cli/fixtures/uses_public_api.ts', '--', '--epochs', '2');
    expect(r.out.trim()).toBe('x=2.0000 status=optimal args=--epochs,2');
    expect(r.code).toBe(0);
  });

  it('reports a missing script with exit code 2', () => {
    const r = cli('run', 'no/such/script.ts');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/no script file 'no\/such\/script\.ts'/);
  });

  it('reports a throwing script with its message and exit code 1', () => {
    const r = cli('run', 'test/src/cli/fixtures/throws.ts');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/script test\/src\/cli\/fixtures\/throws\.ts failed \(exit code 1\)/);
    expect(r.err).toMatch(/deliberate failure in a user script/);
  });

  it('lists the bundled examples, each pointing at an existing file', async () => {
    const r = cli('examples');
    expect(r.code).toBe(0);
    const { BUNDLED_EXAMPLES } = await import('../../../src/cli/examples_catalog.js');
    const { existsSync } = await import('node:fs');
    for (const e of BUNDLED_EXAMPLES) {
      expect(r.out).toContain(e.name);
      expect(existsSync(resolve(root, e.file))).toBe(true);
    }
  });

  it('rejects an unknown command with usage and exit code 2', () => {
    const r = cli('frobnicate');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown command 'frobnicate'/);
  });

  it('runs a TypeScript script outside the project, in a package without "type": "module", with top-level await', () => {
    // No node_modules here: 'optlayers/solvers' and '@tensorflow/tfjs' must come from the CLI's own installation.
    const dir = join(outside, 'cjs_project');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'user-app', version: '1.0.0' }));
    writeFileSync(
      join(dir, 'script.ts'),
      [
        "import * as tf from '@tensorflow/tfjs';",
        "import { initSolvers, solveScs, cscFromDense, NO_CONES } from 'optlayers/solvers';",
        'await initSolvers();',
        'const n: number = 1;',
        'const sol = solveScs({ A: cscFromDense(n, 1, [-1]), b: Float64Array.from([-3]), c: Float64Array.from([1]), cones: { ...NO_CONES, nonneg: 1 } });',
        "console.log(`x=${sol.x[0]!.toFixed(4)} tf=${typeof tf.tensor} argv1=${process.argv[1]} args=${process.argv.slice(2).join(',')}`);",
      ].join('\n'),
    );
    const r = cliIn(dir, 'run', 'script.ts', '--flag', 'v');
    expect(r.err).toBe('');
    expect(r.out.trim()).toBe(`x=3.0000 tf=function argv1=${join(dir, 'script.ts')} args=--flag,v`);
    expect(r.code).toBe(0);
  });

  it('runs a plain .mjs script outside the project without any TypeScript tooling', () => {
    const file = join(outside, 'plain.mjs');
    writeFileSync(file, "import { dsl } from 'optlayers';\nconsole.log('dsl', typeof dsl.Variable);\n");
    const r = cliIn(outside, 'run', file);
    expect(r.err).toBe('');
    expect(r.out.trim()).toBe('dsl function');
    expect(r.code).toBe(0);
  });
});

describe('how the CLI runs TypeScript', () => {
  it("uses Node's own type stripping only where Node has it", () => {
    expect(nodeTypeStrippingFlags('20.20.2')).toBeNull();
    expect(nodeTypeStrippingFlags('22.5.1')).toBeNull();
    expect(nodeTypeStrippingFlags('22.6.0')).toEqual(['--experimental-strip-types']);
    expect(nodeTypeStrippingFlags('23.5.0')).toEqual(['--experimental-strip-types']);
    expect(nodeTypeStrippingFlags('22.18.0')).toEqual([]);
    expect(nodeTypeStrippingFlags('23.6.0')).toEqual([]);
    expect(nodeTypeStrippingFlags('24.1.0')).toEqual([]);
  });

  it('prefers tsx when installed, else type stripping, else says what to install', () => {
    expect(typeScriptRunner(outside, root, '20.20.2').kind).toBe('tsx'); // found in our devDependencies
    const none = typeScriptRunner(outside, outside, '20.20.2');
    expect(none.kind).toBe('none');
    expect(none.kind === 'none' && none.message).toMatch(/npm install --save-dev tsx/);
    expect(typeScriptRunner(outside, outside, '22.6.0')).toEqual({ kind: 'node', flags: ['--experimental-strip-types'] });
  });
});
