import { describe, expect, it } from 'vitest';
import { isPsd } from '../../../solvers/qp/psd_check.js';
import { solveQpBatch } from '../../../solvers/qp/index.js';
import { singleQp } from './qp_fixtures.js';

describe('Q must be positive semidefinite (red-team: an indefinite Q returned a KKT point as optimal)', () => {
  it('isPsd: rank-one, zero and diagonal PSD matrices pass; indefinite ones fail', () => {
    const u = [1, -2, 3];
    const rankOne = Float64Array.from({ length: 9 }, (_, k) => u[Math.floor(k / 3)]! * u[k % 3]!);
    expect(isPsd(rankOne, 0, 3)).toBe(true);
    expect(isPsd(new Float64Array(9), 0, 3)).toBe(true);
    expect(isPsd(Float64Array.of(2, 0, 0, 0), 0, 2)).toBe(true);
    expect(isPsd(Float64Array.of(1, 0, 0, -1), 0, 2)).toBe(false);
    // [[1, 2], [2, 1]] has eigenvalues 3 and -1 (positive diagonal, still indefinite).
    expect(isPsd(Float64Array.of(1, 2, 2, 1), 0, 2)).toBe(false);
    // A zero diagonal entry with a nonzero off-diagonal one: [[0, 1], [1, 1]] is indefinite.
    expect(isPsd(Float64Array.of(0, 1, 1, 1), 0, 2)).toBe(false);
  });

  it("an indefinite Q is 'singular' with the reason, a PSD singular Q still solves", () => {
    const bad = solveQpBatch(singleQp(2, { Q: [1, 0, 0, -1], p: [-1, 0], G: [0, 1], h: [10] }));
    expect(bad.status[0]).toBe('singular');
    expect(bad.messages[0]).toMatch(/not positive semidefinite/);
    // min 1/2 (z0 + z1)^2 - z0 s.t. z0 <= 1, z1 >= 0... optimum z0 + z1 = 1 on the face: value -1/2 at z = (1, 0).
    const ok = solveQpBatch(singleQp(2, { Q: [1, 1, 1, 1], p: [-1, 0], G: [1, 0, 0, -1], h: [1, 0] }));
    expect(ok.status[0]).toBe('optimal');
    const [z0, z1] = [ok.z[0]!, ok.z[1]!];
    expect(0.5 * (z0 + z1) ** 2 - z0).toBeCloseTo(-0.5, 8);
  });
});
