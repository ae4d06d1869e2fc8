/**
 * Known answers for problems built with the affine operators: cumsum and diff
 * (normal equations with explicit matrices), index and slice, trace and diag
 * (both directions), transpose, hstack and vstack, sum along an axis,
 * row-major vec and reshape, elementwise multiply, and matrix variables with
 * the Frobenius norm.
 */
import { beforeAll, describe, it } from 'vitest';
import {
  cumsum,
  diag,
  diff,
  hstack,
  minimize,
  multiply,
  norm2,
  Problem,
  reshape,
  sumSquares,
  trace,
  transpose,
  variable,
  vec,
  vstack,
} from '../../../dsl/index.js';
import { initSolvers } from '../../../solvers/init.js';
import { OBJECTIVE_FORMS, expectScalarClose, expectMatrixValue, expectVectorValue, solveTight } from './harness.js';
import { addMatrices, choleskySolve, identity, matMul, matVec, projectSimplex, sumOf, transpose as refTranspose, type Matrix } from './reference.js';
import { seededRandom } from './seeded_random.js';

beforeAll(async () => {
  await initSolvers();
});

const frobeniusSquared = (m: Matrix): number => sumOf(m.flat().map((v) => v * v));

describe.each(OBJECTIVE_FORMS)('known answers: affine operators inside problems ($name)', (form) => {
  const rng = seededRandom(701);

  it('cumsum: minimize sumSquares(cumsum(x) - y) + 0.5 sumSquares(x) solves (L\'L + 0.5 I) x = L\'y', () => {
    const n = 7;
    const y = rng.normalVector(n);
    const lower = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (j <= i ? 1 : 0)));
    const x = variable(n, 'x');
    const problem = new Problem(minimize(sumSquares(cumsum(x).sub(y)).add(sumSquares(x).mul(0.5))));
    const value = solveTight(problem, 'cumsum ridge', form);
    const lt = refTranspose(lower);
    const expected = choleskySolve(addMatrices(matMul(lt, lower), identity(n), 0.5), matVec(lt, y));
    expectVectorValue(x.value, expected, 'x');
    const r = matVec(lower, expected).map((v, i) => v - y[i]!);
    expectScalarClose(value, sumOf(r.map((v) => v * v)) + 0.5 * sumOf(expected.map((v) => v * v)), 'value');
  });

  it('diff: smoothing minimize sumSquares(x - y) + 3 sumSquares(diff(x)) solves (I + 3 D\'D) x = y', () => {
    const n = 8;
    const y = rng.normalVector(n);
    const d = Array.from({ length: n - 1 }, (_, i) => Array.from({ length: n }, (_, j) => (j === i + 1 ? 1 : j === i ? -1 : 0)));
    const x = variable(n, 'x');
    const problem = new Problem(minimize(sumSquares(x.sub(y)).add(sumSquares(diff(x)).mul(3))));
    solveTight(problem, 'diff smoothing', form);
    const expected = choleskySolve(addMatrices(identity(n), matMul(refTranspose(d), d), 3), y);
    expectVectorValue(x.value, expected, 'x');
  });

  it('diff with index: min sumSquares(diff(x)) s.t. x[0] == 1, x[5] == 4 is the straight line, value 9 / 5', () => {
    const x = variable(6, 'x');
    const problem = new Problem(minimize(sumSquares(diff(x))), [x.index(0).eq(1), x.index(5).eq(4)]);
    const value = solveTight(problem, 'linear interpolation', form);
    expectVectorValue(x.value, [1, 1.6, 2.2, 2.8, 3.4, 4], 'x');
    expectScalarClose(value, 9 / 5, 'value');
  });

  it('slice and index: projection onto {sum x[0:3] = 0, x[5] = 2}', () => {
    const y = rng.normalVector(7);
    const x = variable(7, 'x');
    const problem = new Problem(minimize(sumSquares(x.sub(y))), [x.slice(0, 3).sum().eq(0), x.index(5).eq(2)]);
    solveTight(problem, 'slice projection', form);
    const mean = (y[0]! + y[1]! + y[2]!) / 3;
    expectVectorValue(x.value, y.map((v, i) => (i < 3 ? v - mean : i === 5 ? 2 : v)), 'x');
  });

  it('matrix slice: zeroing the block X[0:2, 1:3] of a 3 x 4 projection', () => {
    const y = rng.normalMatrix(3, 4);
    const x = variable([3, 4], 'X');
    const problem = new Problem(minimize(sumSquares(x.sub(y))), [x.slice([0, 2], [1, 3]).eq(0)]);
    const value = solveTight(problem, 'matrix slice', form);
    const expected = y.map((row, i) => row.map((v, j) => (i < 2 && j >= 1 && j < 3 ? 0 : v)));
    expectMatrixValue(x.value, expected, 'X');
    expectScalarClose(value, y[0]![1]! ** 2 + y[0]![2]! ** 2 + y[1]![1]! ** 2 + y[1]![2]! ** 2, 'value');
  });

  it('trace: min norm2(X - Y) (Frobenius) s.t. trace(X) == 0 gives X = Y - tr(Y)/n I, value |tr Y| / sqrt(n)', () => {
    const y = rng.normalMatrix(4, 4);
    const tr = y[0]![0]! + y[1]![1]! + y[2]![2]! + y[3]![3]!;
    const x = variable([4, 4], 'X');
    const problem = new Problem(minimize(norm2(x.sub(y))), [trace(x).eq(0)]);
    const value = solveTight(problem, 'trace projection', form);
    expectMatrixValue(x.value, y.map((row, i) => row.map((v, j) => (i === j ? v - tr / 4 : v))), 'X');
    expectScalarClose(value, Math.abs(tr) / 2, 'value');
  });

  it('diag of a matrix: min sumSquares(X - Y) s.t. diag(X) == 0 zeroes the diagonal', () => {
    const y = rng.normalMatrix(3, 3);
    const x = variable([3, 3], 'X');
    const problem = new Problem(minimize(sumSquares(x.sub(y))), [diag(x).eq(0)]);
    const value = solveTight(problem, 'diag(matrix)', form);
    expectMatrixValue(x.value, y.map((row, i) => row.map((v, j) => (i === j ? 0 : v))), 'X');
    expectScalarClose(value, y[0]![0]! ** 2 + y[1]![1]! ** 2 + y[2]![2]! ** 2, 'value');
  });

  it('diag of a vector: min norm2(diag(x) - Y) gives x = diag(Y), value = off-diagonal Frobenius norm', () => {
    const y = rng.normalMatrix(3, 3);
    const x = variable(3, 'x');
    const problem = new Problem(minimize(norm2(diag(x).sub(y))));
    const value = solveTight(problem, 'diag(vector)', form);
    expectVectorValue(x.value, [y[0]![0]!, y[1]![1]!, y[2]![2]!], 'x');
    const off = y.map((row, i) => row.map((v, j) => (i === j ? 0 : v)));
    expectScalarClose(value, Math.sqrt(frobeniusSquared(off)), 'value');
  });

  it('transpose: min sumSquares(X - Y) s.t. X == transpose(X) gives the symmetric part (Y + Y\') / 2', () => {
    const y = rng.normalMatrix(4, 4);
    const x = variable([4, 4], 'X');
    const problem = new Problem(minimize(sumSquares(x.sub(y))), [x.eq(transpose(x))]);
    const value = solveTight(problem, 'symmetric projection', form);
    const sym = y.map((row, i) => row.map((v, j) => (v + y[j]![i]!) / 2));
    expectMatrixValue(x.value, sym, 'X');
    expectScalarClose(value, frobeniusSquared(addMatrices(y, sym, -1)), 'value');
  });

  it('T in the objective: min sumSquares(X.T - Y) with X 2 x 3 gives X = Y\'', () => {
    const y = rng.normalMatrix(3, 2);
    const x = variable([2, 3], 'X');
    solveTight(new Problem(minimize(sumSquares(x.T.sub(y)))), 'transpose fit', form);
    expectMatrixValue(x.value, refTranspose(y), 'X');
  });

  it('hstack of matrices: min sumSquares(hstack(X, Z) - C) s.t. X == Z gives the average of the halves', () => {
    const c = rng.normalMatrix(2, 6);
    const x = variable([2, 3], 'X');
    const z = variable([2, 3], 'Z');
    const problem = new Problem(minimize(sumSquares(hstack(x, z).sub(c))), [x.eq(z)]);
    const value = solveTight(problem, 'hstack', form);
    const left = c.map((row) => row.slice(0, 3));
    const right = c.map((row) => row.slice(3));
    const average = left.map((row, i) => row.map((v, j) => (v + right[i]![j]!) / 2));
    expectMatrixValue(x.value, average, 'X');
    expectMatrixValue(z.value, average, 'Z');
    expectScalarClose(value, frobeniusSquared(addMatrices(left, right, -1)) / 2, 'value');
  });

  it('hstack of vectors concatenates: min sumSquares(hstack(x, x) - c) gives the average of the halves', () => {
    const c = rng.normalVector(6);
    const x = variable(3, 'x');
    solveTight(new Problem(minimize(sumSquares(hstack(x, x).sub(c)))), 'hstack vectors', form);
    expectVectorValue(x.value, [0, 1, 2].map((i) => (c[i]! + c[i + 3]!) / 2), 'x');
  });

  it('vstack: min sumSquares(vstack(X, 2 X) - C) gives X = (C_top + 2 C_bottom) / 5', () => {
    const c = rng.normalMatrix(4, 3);
    const x = variable([2, 3], 'X');
    solveTight(new Problem(minimize(sumSquares(vstack(x, x.mul(2)).sub(c)))), 'vstack', form);
    const expected = [0, 1].map((i) => c[i]!.map((v, j) => (v + 2 * c[i + 2]![j]!) / 5));
    expectMatrixValue(x.value, expected, 'X');
  });

  it('sum along axis 1 with X >= 0: each row of the projection is the simplex projection of that row', () => {
    const y = rng.normalMatrix(3, 5);
    const x = variable([3, 5], 'X');
    const problem = new Problem(minimize(sumSquares(x.sub(y))), [x.ge(0), x.sum(1).eq([1, 1, 1])]);
    solveTight(problem, 'row-stochastic projection', form);
    expectMatrixValue(x.value, y.map((row) => projectSimplex(row)), 'X');
  });

  it('sum along axis 0: min sumSquares(X - Y) s.t. column sums = 1 shifts each column by (1 - colsum) / rows', () => {
    const y = rng.normalMatrix(3, 4);
    const x = variable([3, 4], 'X');
    const problem = new Problem(minimize(sumSquares(x.sub(y))), [x.sum(0).eq([1, 1, 1, 1])]);
    solveTight(problem, 'column sums', form);
    const shift = [0, 1, 2, 3].map((j) => (1 - (y[0]![j]! + y[1]![j]! + y[2]![j]!)) / 3);
    expectMatrixValue(x.value, y.map((row) => row.map((v, j) => v + shift[j]!)), 'X');
  });

  it('vec is row-major: min sumSquares(vec(X) - y) gives X[i][j] = y[i * cols + j]', () => {
    const y = rng.normalVector(6);
    const x = variable([2, 3], 'X');
    solveTight(new Problem(minimize(sumSquares(vec(x).sub(y)))), 'vec', form);
    expectMatrixValue(x.value, [y.slice(0, 3), y.slice(3)], 'X');
  });

  it('reshape is row-major: min sumSquares(reshape(x, [2, 3]) - Y) gives x = Y flattened by rows', () => {
    const y = rng.normalMatrix(2, 3);
    const x = variable(6, 'x');
    solveTight(new Problem(minimize(sumSquares(reshape(x, [2, 3]).sub(y)))), 'reshape', form);
    expectVectorValue(x.value, y.flat(), 'x');
  });

  it('elementwise multiply: min sumSquares(multiply(w, x) - y) gives x = y / w', () => {
    const w = [0.5, -2, 1.5, 3];
    const y = rng.normalVector(4);
    const x = variable(4, 'x');
    solveTight(new Problem(minimize(sumSquares(multiply(w, x).sub(y)))), 'elementwise multiply', form);
    expectVectorValue(x.value, y.map((v, i) => v / w[i]!), 'x');
  });

  it('matrix variable times constant: min sumSquares(X B - C) gives X = C B\'(B B\')^-1', () => {
    const b = rng.normalMatrix(3, 6);
    const c = rng.normalMatrix(2, 6);
    const x = variable([2, 3], 'X');
    solveTight(new Problem(minimize(sumSquares(x.matmul(b).sub(c)))), 'matrix least squares', form);
    const bbt = matMul(b, refTranspose(b));
    const expected = c.map((row) => choleskySolve(bbt, matVec(b, row)));
    expectMatrixValue(x.value, expected, 'X');
  });
});
