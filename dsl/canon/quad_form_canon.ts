import type { QuadForm } from '../atoms/quad_form.js';
import { pivotedCholesky } from '../linalg/psd_factor.js';
import { constantTensor, matmulTensors } from './affine_tensor.js';
import type { Canonicalizer } from './canonicalizer.js';
import { constantValues } from '../affine/multiply.js';
import { filled, quadOverLinCone, times } from './tensor_algebra.js';

/**
 * x'Px with P = L L' (pivoted Cholesky, any rank) is |L'x|^2, canonicalized
 * like sumSquares. For NSD P, x'Px = -|L'x|^2 with -P = L L' (hypograph).
 */
export const quadFormCanon: Canonicalizer<QuadForm> = (atom, [x, P], vars) => {
  const n = x!.size;
  const nsd = atom.definiteness() === 'nsd';
  const p = constantValues(P!, 'quadForm matrix P');
  const f = pivotedCholesky(nsd ? p.map((v) => -v) : p, n);
  const r = f.rank;
  if (r === 0) return { expr: filled(0), constraints: [] };
  const t = vars.newVariable(1);
  // L' (r x n) row-major from L (n x r).
  const Lt = new Float64Array(r * n);
  for (let i = 0; i < n; i++) for (let k = 0; k < r; k++) Lt[k * n + i] = f.L[i * r + k]!;
  const u = matmulTensors(constantTensor(Lt), r, n, x!, 1);
  return { expr: nsd ? times(t, -1) : t, constraints: [quadOverLinCone(u, filled(1), t)] };
};
