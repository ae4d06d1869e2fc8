import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..', '..', '..');
const bin = resolve(root, 'bin', 'optlayers.mjs');

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('optlayers CLI', () => {
  it('runs a user script that imports the package by name, passing its arguments', () => {
    const r = cli('run', 'test/src/cli/fixtures/uses_public_api.ts', 'a', 'b');
    expect(r.err).toBe('');
    expect(r.out.trim()).toBe('x=2.0000 status=optimal args=a,b');
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
    expect(r.err).toMatch(/script test\/src\/cli\/fixtures\/throws\.ts failed/);
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
});
