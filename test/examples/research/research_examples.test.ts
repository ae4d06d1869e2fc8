import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// Smoke runs of the issue-13 examples at tiny sizes: they must finish, write their JSON and SVG,
// and the figures they report must be consistent with each other (not accurate: too little data).
const root = fileURLToPath(new URL('../../..', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'optlayers-research-examples-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

function runExample(script: string, args: string[]): void {
  const tsx = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');
  const r = spawnSync(process.execPath, [tsx, '--conditions=optlayers-source', join(root, script), ...args], { cwd: root, encoding: 'utf8' });
  expect(r.status, `${script} failed:\n${r.stdout}\n${r.stderr}`).toBe(0);
}

interface ModelFigures {
  cleanError: number;
  pgdError: number;
  certifiedError: number;
}

function expectConsistent(m: ModelFigures, what: string): void {
  for (const v of [m.cleanError, m.pgdError, m.certifiedError]) expect(v, what).toBeGreaterThanOrEqual(0);
  for (const v of [m.cleanError, m.pgdError, m.certifiedError]) expect(v, what).toBeLessThanOrEqual(1);
  // A certified example cannot be broken by PGD, and an attack can only add errors.
  expect(m.pgdError, what).toBeLessThanOrEqual(m.certifiedError);
  expect(m.cleanError, what).toBeLessThanOrEqual(m.pgdError);
}

describe('research examples (tiny runs)', () => {
  it('example:certified writes results whose clean <= PGD <= certified errors for all four models', () => {
    const dir = join(out, 'certified');
    runExample('examples/certified/main.ts', ['--train', '200', '--val', '50', '--test', '50', '--epochs', '1', '--ibp-epochs', '1', '--out', dir]);
    const r = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
    expect(r.split).toMatchObject({ train: 200, val: 50, test: 50 });
    for (const [name, m] of Object.entries({ robust: r.convex.robust, normal: r.convex.normal, monDeq: r.ibp.monDeq, explicit: r.ibp.explicit })) {
      expectConsistent(m as ModelFigures, name);
    }
    expect(r.convex.robust.certifiedButMisclassified).toBe(0);
    expect(readFileSync(join(dir, 'training_curves.svg'), 'utf8')).toMatch(/^<svg/);
  });

  it('example:jiio writes results where both methods reach the common target and the joint point was re-checked', () => {
    const dir = join(out, 'jiio');
    runExample('examples/jiio/main.ts', ['--train', '100', '--epochs', '1', '--validation', '8', '--test', '8', '--jointMax', '40', '--naiveMax', '40', '--out', dir]);
    const r = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
    const t = r.test;
    expect(t.target).toBeLessThan(t.startObjective);
    expect(t.joint.objectiveAtTargetVerified).toBeLessThanOrEqual(t.target);
    expect(t.joint.finalObjectiveVerified).toBeLessThanOrEqual(t.target);
    expect(Number.isFinite(t.speedup)).toBe(true);
    expect(t.speedup).toBeGreaterThan(0);
    expect(readFileSync(join(dir, 'objective_vs_time.svg'), 'utf8')).toMatch(/^<svg/);
  });
});
