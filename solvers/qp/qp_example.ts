import type { InequalityOperator } from './inequality_operator.js';

/**
 * Views of one example of a QP batch: offsets into the (possibly shared)
 * argument arrays, so broadcast arguments are never copied. Q here is the
 * symmetrized 1/2 (Q + Q'), which defines the same objective.
 */
export interface QpExampleData {
  readonly n: number;
  readonly m: number;
  readonly neq: number;
  readonly q: Float64Array;
  readonly qOff: number;
  readonly qDiagonal: boolean;
  readonly p: Float64Array;
  readonly pOff: number;
  readonly g: InequalityOperator;
  readonly h: Float64Array;
  readonly hOff: number;
  readonly a: Float64Array;
  readonly aOff: number;
  readonly b: Float64Array;
  readonly bOff: number;
}
