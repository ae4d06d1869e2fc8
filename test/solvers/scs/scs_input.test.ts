import { beforeAll, describe, expect, it } from 'vitest';
import { cscFromDense, loadScs, NO_CONES, OptlayersError, ShapeError, solveScs, ValueError, type ConeProgram, type CscMatrix } from '../../../solvers/index.js';
import { runScs, scsTrapCount } from '../../../solvers/scs/scs_module.js';
import { SCS_MAX_ITERS_CAP } from '../../../solvers/scs/scs_options.js';

beforeAll(async () => {
  await loadScs();
});

/** min x0 + x1 s.t. x >= 1 (two nonnegative rows): x = (1, 1), y = (1, 1). */
function boxLp(): ConeProgram {
  return { A: cscFromDense(2, 2, [-1, 0, 0, -1]), b: Float64Array.from([-1, -1]), c: Float64Array.from([1, 1]), cones: { ...NO_CONES, nonneg: 2 } };
}

function withA(A: Partial<CscMatrix>): ConeProgram {
  const p = boxLp();
  return { ...p, A: { ...p.A, ...A } as CscMatrix };
}

/** One call into the module with a corrupt CSC matrix, bypassing validation: traps inside WASM. */
function forceTrap(): ReturnType<typeof runScs> {
  return runScs((scs) => {
    const settings = new scs.ScsSettings();
    scs.setDefaultSettings(settings);
    settings.verbose = 0;
    settings.maxIters = 10;
    const data = { m: 1, n: 1, A_x: [1], A_i: [-100_000_000], A_p: [0, 1], b: [1], c: [1] };
    return scs.solve(data, { z: 0, l: 1, q: [], qsize: 0, ep: 0, ed: 0, p: [], psize: 0 }, settings);
  });
}

describe('solveScs validates its input before entering WASM', () => {
  it('rejects malformed CSC structure with a ShapeError naming the field', () => {
    const cases: [Partial<CscMatrix>, RegExp][] = [
      [{ rowIndex: Int32Array.from([-1, 1]) }, /A\.rowIndex\[0\] = -1/],
      [{ rowIndex: Int32Array.from([0, 2]) }, /A\.rowIndex\[1\] = 2/],
      [{ rowIndex: Int32Array.from([0, 0]), colPtr: Int32Array.from([0, 2, 2]) }, /increase within each column/],
      [{ colPtr: Int32Array.from([0, 2, 1]) }, /colPtr\[2\] must equal the number of nonzeros|non-decreasing/],
      [{ colPtr: Int32Array.from([1, 1, 2]) }, /colPtr\[0\] must be 0/],
      [{ colPtr: Int32Array.from([0, 2]) }, /colPtr has length 2, expected cols \+ 1 = 3/],
      [{ colPtr: Int32Array.from([0, 3, 2]), rowIndex: Int32Array.from([0, 1]) }, /non-decreasing|lies outside/],
      [{ values: Float64Array.from([1]) }, /rowIndex has length 2 but A\.values has 1/],
    ];
    for (const [patch, message] of cases) {
      expect(() => solveScs(withA(patch))).toThrow(ShapeError);
      expect(() => solveScs(withA(patch))).toThrow(message);
    }
    expect(() => solveScs(withA({ values: Float64Array.from([1, NaN]) }))).toThrow(ValueError);
    expect(() => solveScs(withA({ values: Float64Array.from([1, NaN]) }))).toThrow(/A\.values\[1\]/);
  });

  it('rejects bad vectors, cones, P and warm starts with typed errors', () => {
    const p = boxLp();
    expect(() => solveScs({ ...p, b: Float64Array.from([1, Infinity]) })).toThrow(/b has a non-finite entry/);
    expect(() => solveScs({ ...p, c: Float64Array.from([NaN, 1]) })).toThrow(ValueError);
    expect(() => solveScs({ ...p, cones: { ...NO_CONES, nonneg: 3 } })).toThrow(ShapeError);
    expect(() => solveScs({ ...p, cones: { ...NO_CONES, nonneg: 1.5, zero: 0.5 } })).toThrow(/cones\.zero must be a nonnegative integer/);
    expect(() => solveScs({ ...p, cones: { ...NO_CONES, nonneg: -1, zero: 3 } })).toThrow(/cones\.nonneg/);
    expect(() => solveScs({ ...p, cones: { ...NO_CONES, soc: [0, 2] } })).toThrow(/cones\.soc\[0\]/);
    expect(() => solveScs({ A: cscFromDense(3, 1, [1, 1, 1]), b: new Float64Array(3), c: Float64Array.of(1), cones: { ...NO_CONES, power: [1.5] } })).toThrow(
      /cones\.power\[0\]/,
    );
    expect(() => solveScs({ ...p, P: cscFromDense(2, 2, [1, 1, 0, 1]) })).toThrow(/P must be symmetric/);
    expect(() => solveScs({ ...p, P: cscFromDense(1, 1, [1]) })).toThrow(/P is 1 x 1, expected 2 x 2/);
    expect(() => solveScs(p, {}, { x: [0, 0], y: [0], s: [0, 0] })).toThrow(/warm start has sizes/);
    expect(() => solveScs(p, {}, { x: [0, NaN], y: [0, 0], s: [0, 0] })).toThrow(/warm start x\[1\]/);
  });

  it('rejects unknown, mistyped and out-of-range options, naming the key', () => {
    const p = boxLp();
    expect(() => solveScs(p, { max_iters: 10 } as never)).toThrow(/unknown SCS option 'max_iters'/);
    expect(() => solveScs(p, { maxIters: SCS_MAX_ITERS_CAP + 1 })).toThrow(/maxIters must be an integer in \[1, 1000000\]/);
    expect(() => solveScs(p, { maxIters: 1e12 })).toThrow(ValueError);
    expect(() => solveScs(p, { maxIters: 0 })).toThrow(/maxIters/);
    for (const key of ['epsAbs', 'epsRel', 'epsInfeas', 'tolInaccurate', 'tolCertificate'] as const) {
      for (const bad of [0, -1e-8, NaN, Infinity, 2]) expect(() => solveScs(p, { [key]: bad })).toThrow(new RegExp(key));
    }
    expect(() => solveScs(p, { timeLimitSecs: -1 })).toThrow(/timeLimitSecs/);
    expect(() => solveScs(p, { timeLimitSecs: 1e9 })).toThrow(/timeLimitSecs/);
    expect(() => solveScs(p, { verbose: 'yes' as never })).toThrow(/verbose must be a boolean/);
    expect(() => solveScs(p, { alpha: 2 })).toThrow(/alpha/);
  });
});

describe('WebAssembly traps are recovered from', () => {
  it('a trap comes back as a value, and the next solve runs on a fresh instance', () => {
    const before = scsTrapCount();
    const trapped = forceTrap();
    expect(trapped.ok).toBe(false);
    if (!trapped.ok) expect(trapped.error).toMatch(/RuntimeError/);
    expect(scsTrapCount()).toBe(before + 1);
    // The spare instance takes over synchronously.
    const sol = solveScs(boxLp());
    expect(sol.status).toBe('optimal');
    expect(sol.x[0]).toBeCloseTo(1, 7);
  });

  it('200 forced traps in one process, then a normal solve returns (no poisoned module)', async () => {
    const before = scsTrapCount();
    for (let k = 0; k < 200; k++) {
      const r = forceTrap();
      expect(r.ok).toBe(false);
      await loadScs();
    }
    expect(scsTrapCount()).toBe(before + 200);
    const sol = solveScs(boxLp());
    expect(sol.status).toBe('optimal');
    expect(sol.x[1]).toBeCloseTo(1, 7);
  }, 60_000);

  it('two traps with no await in between: the second solve gets a typed error, never a raw RuntimeError', async () => {
    await loadScs();
    forceTrap();
    forceTrap(); // uses the spare promoted by the first; no instance is ready afterwards
    let error: unknown;
    try {
      solveScs(boxLp());
    } catch (e) {
      error = e;
    }
    if (error !== undefined) {
      expect(error).toBeInstanceOf(OptlayersError);
      expect(String(error)).toMatch(/re-instantiated after a WebAssembly trap/);
    }
    await loadScs();
    expect(solveScs(boxLp()).status).toBe('optimal');
  });
});
