import { Problem, dot, maximize, norm2, parameter, variable } from 'optlayers/dsl';

export interface SocpReadout {
  readonly c: number[];
  readonly status: string;
  /** max c'x s.t. |x|_2 <= 1. */
  readonly value: number;
  readonly x: number[];
}

/** A second-order cone program through `problem.solve()` (the SCS route: a cone other than zero/nonnegative). */
export function unitBallMaximum(c: number[]): SocpReadout {
  const cp = parameter(c.length, { name: 'c' });
  const x = variable(c.length, { name: 'x' });
  const problem = new Problem(maximize(dot(cp, x)), [norm2(x).le(1)]);
  cp.value = c;
  const result = problem.solve();
  return { c, status: result.status, value: result.value, x: Array.from(x.value!.data) };
}
