import { beforeAll, describe, expect, it, vi } from 'vitest';
import { Problem, minimize, sum, variable } from '../../../dsl/index.js';
import { initSolvers, loadScs } from '../../../solvers/index.js';
import { scsTrapCount } from '../../../solvers/scs/scs_module.js';

/**
 * The failure statuses of the SCS route, end to end through problem.solve.
 * Validation keeps bad data out of WASM, so the failures are injected one
 * level down, in the single WASM call (`runScsRaw`): 'trap' hands SCS a
 * corrupt row index (a genuine WebAssembly trap, recovered by the real
 * module code), 'nan' corrupts the point SCS returned.
 */
const inject = vi.hoisted(() => ({ mode: 'none' as 'none' | 'trap' | 'nan', calls: 0 }));

vi.mock('../../../solvers/scs/scs_raw.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../solvers/scs/scs_raw.js')>();
  return {
    ...real,
    runScsRaw: (...args: Parameters<typeof real.runScsRaw>) => {
      inject.calls++;
      const [program] = args;
      if (inject.mode === 'trap') {
        const rowIndex = Int32Array.from(program.A.rowIndex, () => -100_000_000);
        return real.runScsRaw({ ...program, A: { ...program.A, rowIndex } }, ...(args.slice(1) as [never, never, never]));
      }
      const out = real.runScsRaw(...args);
      if (inject.mode === 'nan' && out.x) out.x[0] = NaN;
      return out;
    },
  };
});

beforeAll(async () => {
  await initSolvers();
});

/** min sum(x) s.t. x >= 1: closed form x = (1, 1), value 2. */
function boxProblem() {
  const x = variable(2, 'x');
  return { x, problem: new Problem(minimize(sum(x)), [x.ge(1)]) };
}

describe('SCS failure statuses reach problem.solve as statuses, never as answers or raw errors', () => {
  it("a WebAssembly trap is 'numerical_error' (value NaN, variables cleared); the next solve is correct", async () => {
    const { x, problem } = boxProblem();
    inject.mode = 'none';
    expect(problem.solve({ solver: 'scs' }).status).toBe('optimal');
    expect(x.value).toBeDefined();
    const traps = scsTrapCount();
    inject.mode = 'trap';
    const r = problem.solve({ solver: 'scs' });
    inject.mode = 'none';
    expect(r.status).toBe('numerical_error');
    expect(r.value).toBeNaN();
    expect(r.message).toMatch(/trapped .*re-instantiated/);
    expect(x.value).toBeUndefined();
    expect(scsTrapCount()).toBeGreaterThan(traps);
    await loadScs();
    const again = problem.solve({ solver: 'scs' });
    expect(again.status).toBe('optimal');
    expect(again.value).toBeCloseTo(2, 6);
    for (const v of x.value!.data) expect(v).toBeCloseTo(1, 6);
  });

  it("a non-finite point from SCS is 'nonfinite' after its retries (value NaN, variables cleared)", () => {
    const { x, problem } = boxProblem();
    inject.mode = 'nan';
    inject.calls = 0;
    const r = problem.solve({ solver: 'scs' });
    inject.mode = 'none';
    expect(r.status).toBe('nonfinite');
    expect(r.value).toBeNaN();
    expect(r.message).toMatch(/non-finite/);
    expect(x.value).toBeUndefined();
    expect(inject.calls).toBeGreaterThanOrEqual(1);
  });
});
