/**
 * Shared assertions for the known-answer suite: solve at tight SCS tolerance
 * and compare against an independent answer to 1e-6 (relative to the size of
 * the expected quantity, absolute below 1).
 */
import { expect } from 'vitest';
import type { Problem } from '../../../dsl/index.js';

/**
 * SCS settings for known answers: eps 1e-9 leaves a margin of about 1e-8 on
 * the iterates, well below the 1e-6 comparison. This SCS build has no Anderson
 * acceleration, hence the generous iteration limit.
 */
export const TIGHT = { epsAbs: 1e-9, epsRel: 1e-9, maxIters: 100_000 } as const;

/** Comparison tolerance for every known answer. */
export const TOL = 1e-6;

/** The structural part of the DSL's `Value` that the comparisons read. */
export interface ValueLike {
  readonly shape: readonly number[];
  readonly data: Float64Array;
}

/** Extra solve options a test may vary (how the objective is compiled, warm starts). */
export interface SolveVariant {
  readonly quadObjective?: boolean;
  readonly warmStart?: boolean;
}

/**
 * Both compilations of a quadratic objective: through cones (SOC epigraphs,
 * the default) and kept as SCS's quadratic term P (`quadObjective: true`).
 */
export const OBJECTIVE_FORMS: readonly (SolveVariant & { readonly name: string })[] = [
  { name: 'cone objective', quadObjective: false },
  { name: 'quadratic objective (P)', quadObjective: true },
];

/** Solves at TIGHT (plus `variant`), asserts status 'optimal', returns the optimal value. */
export function solveTight(problem: Problem, label: string, variant: SolveVariant = {}): number {
  const options = { ...TIGHT, ...(variant.quadObjective === undefined ? {} : { quadObjective: variant.quadObjective }), ...(variant.warmStart === undefined ? {} : { warmStart: variant.warmStart }) };
  const result = problem.solve(options);
  expect(result.status, `${label}: solver status`).toBe('optimal');
  expect(problem.status, `${label}: problem.status`).toBe('optimal');
  expect(problem.value, `${label}: problem.value equals the returned value`).toBe(result.value);
  return result.value;
}

/** The data of a value that must be present, checked against an expected shape. */
export function dataOf(value: ValueLike | undefined, shape: readonly number[], label: string): number[] {
  expect(value, `${label}: value is set`).toBeDefined();
  expect([...value!.shape], `${label}: shape`).toEqual([...shape]);
  return Array.from(value!.data);
}

/** The single entry of a scalar value. */
export function scalarOf(value: ValueLike | undefined, label: string): number {
  return dataOf(value, [], label)[0]!;
}

/** |got - expected| <= tol * max(1, |expected|). */
export function expectScalarClose(got: number, expected: number, label: string, tol = TOL): void {
  expect(Number.isFinite(got), `${label}: finite (got ${got})`).toBe(true);
  const err = Math.abs(got - expected);
  const allowed = tol * Math.max(1, Math.abs(expected));
  expect(err, `${label}: got ${got}, expected ${expected}`).toBeLessThanOrEqual(allowed);
}

/** max_i |got_i - expected_i| <= tol * max(1, max_i |expected_i|). */
export function expectArrayClose(got: ArrayLike<number>, expected: ArrayLike<number>, label: string, tol = TOL): void {
  expect(got.length, `${label}: length`).toBe(expected.length);
  let err = 0;
  let size = 1;
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = Math.abs(got[i]! - expected[i]!);
    if (Number.isNaN(err)) break;
    if (Number.isNaN(e) || e > err) {
      err = e;
      worst = i;
    }
    size = Math.max(size, Math.abs(expected[i]!));
  }
  const detail = `worst entry ${worst}: got ${got[worst]}, expected ${expected[worst]}`;
  expect(Number.isFinite(err), `${label}: finite (${detail})`).toBe(true);
  expect(err, `${label}: ${detail}`).toBeLessThanOrEqual(tol * size);
}

/** Compares a vector value (shape [n]) with the expected entries. */
export function expectVectorValue(value: ValueLike | undefined, expected: readonly number[], label: string, tol = TOL): void {
  expectArrayClose(dataOf(value, [expected.length], label), expected, label, tol);
}

/** Compares a matrix value (shape [m, n], row-major) with the expected rows. */
export function expectMatrixValue(value: ValueLike | undefined, expected: readonly (readonly number[])[], label: string, tol = TOL): void {
  const shape = [expected.length, expected[0]!.length];
  expectArrayClose(dataOf(value, shape, label), expected.flat(), label, tol);
}

/** Compares a scalar value (shape []) with the expected number. */
export function expectScalarValue(value: ValueLike | undefined, expected: number, label: string, tol = TOL): void {
  expectScalarClose(scalarOf(value, label), expected, label, tol);
}
