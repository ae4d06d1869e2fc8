import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// Tiny runs of the predict-then-optimize, robust-optimization and convex-regression examples:
// they must finish, write their JSON, and the figures must agree with what the JSON's own raw
// data implies (recomputed here independently), not be accurate (far too little data).
const root = fileURLToPath(new URL('../../..', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'optlayers-examples12-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

function runExample(script: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const tsx = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');
  return spawnSync(process.execPath, [tsx, '--conditions=optlayers-source', join(root, script), ...args], { cwd: root, encoding: 'utf8' });
}

function runAndRead(script: string, args: string[], dir: string): any {
  const r = runExample(script, [...args, '--out', dir]);
  expect(r.status, `${script} failed:\n${r.stdout}\n${r.stderr}`).toBe(0);
  return JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
}

const expectFinite = (v: unknown, what: string): void => {
  expect(typeof v, what).toBe('number');
  expect(Number.isFinite(v as number), what).toBe(true);
};

const dotProduct = (a: readonly number[], b: readonly number[]): number => a.reduce((s, v, i) => s + v * b[i]!, 0);

/**
 * min c'x over {sum x = 1, 0 <= x <= cap} by brute force over its vertices: a vertex puts `cap` on some
 * items, the remainder 1 - k cap on at most one other item and zero elsewhere.
 */
function bestVertexCost(c: readonly number[], cap: number): number {
  const k = Math.floor(1 / cap + 1e-12);
  const rest = 1 - k * cap;
  let best = Infinity;
  for (let mask = 0; mask < 1 << c.length; mask++) {
    const full = c.filter((_, j) => mask & (1 << j));
    if (full.length !== k) continue;
    const base = full.reduce((s, v) => s + cap * v, 0);
    const others = c.filter((_, j) => !(mask & (1 << j)));
    best = Math.min(best, rest > 1e-12 ? base + rest * Math.min(...others) : base);
  }
  return best;
}

describe('examples12 (tiny runs)', () => {
  it('predict-then-optimize: optimal decisions, nonnegative finite regrets, the learning rate chosen on validation', () => {
    const r = runAndRead('examples/convex/predict_then_optimize.ts', ['--train', '50', '--val', '25', '--test', '40', '--epochs', '2'], join(out, 'pto'));
    expect(r.route).toBe('qp');
    expect(r.statuses).toEqual(['optimal']);
    // Training leaks no tensors: the count after every epoch of a run is the same.
    const counts = Object.values(r.tensorCountsByEpoch as Record<string, number[]>);
    expect(counts).toHaveLength(2 * r.config.learningRates.length);
    for (const c of counts) expect(new Set(c).size, `tensor counts ${c}`).toBe(1);
    for (const method of ['end-to-end', 'two-stage']) {
      const m = r[method];
      // Regret is the decision's cost above the LP optimum over the same feasible set: never negative.
      expectFinite(m.testNormalizedRegret, method);
      expect(m.testNormalizedRegret, method).toBeGreaterThanOrEqual(-1e-6);
      expectFinite(m.testCostMse, method);
      const byRate = m.validationRegretByLearningRate as Record<string, number>;
      expect(Object.keys(byRate).map(Number).sort()).toEqual([...r.config.learningRates].sort());
      expect(byRate[String(m.learningRate)]).toBe(Math.min(...Object.values(byRate)));
      // The stored decisions are feasible, and cost no less than the best vertex of {sum x = 1, 0 <= x <= cap}
      // (enumerated here over every choice of capped items, not by the example's greedy rule).
      for (const { c, x } of m.testSamples as { c: number[]; x: number[] }[]) {
        expect(x.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 6);
        for (const v of x) expect(v).toBeGreaterThanOrEqual(-1e-7);
        for (const v of x) expect(v).toBeLessThanOrEqual(r.config.cap + 1e-7);
        expect(dotProduct(c, x)).toBeGreaterThanOrEqual(bestVertexCost(c, r.config.cap) - 1e-6);
      }
    }
  }, 20_000);

  it('robust-optimization: feasible allocations, violation rates recomputed from x, the naive set more conservative than nominal', () => {
    const r = runAndRead('examples/convex/robust_optimization.ts', ['--train', '60', '--val', '60', '--test', '200', '--steps', '5'], join(out, 'robust'));
    expect(r.route).toBe('scs');
    expect(r.statuses).toEqual(['optimal']);
    expect(r.tensorCounts).toHaveLength(5);
    expect(new Set(r.tensorCounts).size, `tensor counts ${r.tensorCounts}`).toBe(1);
    const n = r.config.assets;
    const returns = Array.from({ length: n }, (_, j) => 1 + j / (n - 1));
    for (const name of ['nominal', 'naive', 'learned']) {
      const { x, test, validation } = r[name];
      expect(x).toHaveLength(n);
      for (const v of x) expect(v, name).toBeGreaterThanOrEqual(-1e-6);
      expect(x.reduce((s: number, v: number) => s + v, 0)).toBeCloseTo(1, 5);
      // The reported return is r'x, recomputed here from the stored allocation.
      expect(test.meanReturn).toBeCloseTo(returns.reduce((s, rj, j) => s + rj * x[j], 0), 9);
      for (const rate of [test.violationRate, validation.violationRate]) {
        expect(rate).toBeGreaterThanOrEqual(0);
        expect(rate).toBeLessThanOrEqual(1);
      }
    }
    // Each allocation satisfies its own robust constraint a0'x + |P'x|_2 <= budget, evaluated here from the stored set.
    const zero = Array.from({ length: n }, () => new Array<number>(n).fill(0));
    for (const [name, Pt] of [['nominal', zero], ['naive', r.naivePt], ['learned', r.learnedPt]] as [string, number[][]][]) {
      const x = r[name].x as number[];
      const worstCase = dotProduct(r.a0, x) + Math.hypot(...Pt.map((row) => dotProduct(row, x)));
      expect(worstCase, name).toBeLessThanOrEqual(r.config.budget + 1e-5);
    }
    // With P = 0 the most rewarding asset is taken alone (its mean loss fits the budget); a larger set can only cost return.
    expect(r.nominal.test.meanReturn).toBeCloseTo(2, 5);
    expect(r.naive.test.meanReturn).toBeLessThanOrEqual(r.nominal.test.meanReturn + 1e-9);
    expect(r.naive.test.violationRate).toBeLessThanOrEqual(r.nominal.test.violationRate);
    // The learned set is the validation-selected iterate: within the target on validation unless no iterate was.
    if (r.learnedStep > 0) expect(r.learned.validation.violationRate).toBeLessThanOrEqual(r.config.alpha);
  }, 20_000);

  it('convex-regression: an optimal fit whose max-affine function is convex and supports every fitted value', () => {
    const r = runAndRead('examples/convex/convex_regression.ts', ['--n', '15', '--test', '100'], join(out, 'convex'));
    expect(r.route).toBe('qp');
    for (const s of r.statuses) expect(s).toBe('optimal');
    const knots = r.knots as { x: number; y: number; yhat: number; g: number }[];
    expect(knots).toHaveLength(15);
    // The QP's constraints: every affine piece lies below every fitted value (max-affine form).
    for (const a of knots) for (const b of knots) expect(b.yhat).toBeGreaterThanOrEqual(a.yhat + a.g * (b.x - a.x) - 1e-4);
    // Recompute the fit on the grid from the knots and check its second differences are nonnegative.
    const grid = r.grid as { x: number; fit: number; truth: number }[];
    const fit = grid.map((p) => Math.max(...knots.map((k) => k.yhat + k.g * (p.x - k.x))));
    grid.forEach((p, i) => expect(p.fit).toBeCloseTo(fit[i]!, 4));
    for (let i = 1; i + 1 < fit.length; i++) expect(fit[i - 1]! - 2 * fit[i]! + fit[i + 1]!).toBeGreaterThanOrEqual(-1e-5);
    for (const key of ['convexFit', 'affineFit', 'trueFunction']) expectFinite(r[key].testMse, key);
    // The affine fit satisfies the normal equations: its residuals are orthogonal to 1 and x.
    const residuals = knots.map((k: any) => k.y - (r.affineFit.intercept + r.affineFit.slope * k.x));
    expect(Math.abs(residuals.reduce((s: number, v: number) => s + v, 0))).toBeLessThan(1e-9);
    expect(Math.abs(residuals.reduce((s: number, v: number, i: number) => s + v * knots[i]!.x, 0))).toBeLessThan(1e-9);
    // Every affine function is convex, so the convex least-squares fit has no larger training error (up to the tiny ridge).
    const trainMse = (pred: (k: any) => number) => knots.reduce((s: number, k: any) => s + (pred(k) - k.y) ** 2, 0) / knots.length;
    expect(trainMse((k) => k.yhat)).toBeCloseTo(r.convexFit.trainMse, 9);
    expect(trainMse((k) => k.yhat)).toBeLessThanOrEqual(trainMse((k) => r.affineFit.intercept + r.affineFit.slope * k.x) + 1e-3);
    // The layer's gradient against a central finite difference through the same layer (float32: loose).
    const { layer, finiteDifference } = r.gradientCheck;
    expect(Math.abs(layer - finiteDifference)).toBeLessThanOrEqual(0.05 * Math.abs(finiteDifference) + 1e-4);
    expect(readFileSync(join(out, 'convex', 'fit.svg'), 'utf8')).toMatch(/^<svg/);
  }, 20_000);

  it('rejects a bad numeric flag with a message naming it', () => {
    const r = runExample('examples/convex/convex_regression.ts', ['--n', 'ten', '--out', join(out, 'bad')]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/FlagError: --n needs an integer >= 3, got ten/);
  });
});
