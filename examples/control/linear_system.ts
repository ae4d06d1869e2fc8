/**
 * Discrete-time linear systems x_{t+1} = A x_t + B u_t (+ w_t) used by the
 * control examples, with row-major float64 matrices.
 */
export interface LinearSystem {
  readonly name: string;
  readonly nx: number;
  readonly nu: number;
  /** nx x nx, row-major. */
  readonly A: Float64Array;
  /** nx x nu, row-major. */
  readonly B: Float64Array;
}

/** Box bounds on inputs (|u_i| <= uMax) and on selected state components (|x_i| <= bound). */
export interface SystemBounds {
  readonly uMax: number;
  readonly stateBounds: readonly { readonly index: number; readonly bound: number }[];
}

/**
 * A planar point mass (position p in R^2, velocity v in R^2, force u in R^2)
 * with mass `mass` and linear drag `damping`, discretized with step dt:
 *   p+ = p + dt v + dt^2/(2 mass) u,   v+ = (1 - damping dt) v + dt/mass u.
 * With damping 0 and mass 1 it is the exactly discretized double integrator.
 */
export function pointMass2d(dt = 0.1, damping = 0, mass = 1): LinearSystem {
  const a = 1 - damping * dt;
  const A = Float64Array.from([1, 0, dt, 0, 0, 1, 0, dt, 0, 0, a, 0, 0, 0, 0, a]);
  const h = (dt * dt) / (2 * mass);
  const g = dt / mass;
  const B = Float64Array.from([h, 0, 0, h, g, 0, 0, g]);
  const name = damping === 0 && mass === 1 ? `planar double integrator (dt = ${dt})` : `planar point mass (dt = ${dt}, damping ${damping}, mass ${mass})`;
  return { name, nx: 4, nu: 2, A, B };
}

/** The planar double integrator: `pointMass2d(dt, 0, 1)`. */
export function doubleIntegrator2d(dt = 0.1): LinearSystem {
  return pointMass2d(dt, 0, 1);
}

/** x_{t+1} = A x + B u + w. */
export function step(sys: LinearSystem, x: ArrayLike<number>, u: ArrayLike<number>, w?: ArrayLike<number>): Float64Array {
  const next = new Float64Array(sys.nx);
  for (let i = 0; i < sys.nx; i++) {
    let s = w ? w[i]! : 0;
    for (let j = 0; j < sys.nx; j++) s += sys.A[i * sys.nx + j]! * x[j]!;
    for (let j = 0; j < sys.nu; j++) s += sys.B[i * sys.nu + j]! * u[j]!;
    next[i] = s;
  }
  return next;
}

/** Row-major transpose of a rows x cols matrix, as nested arrays (for DSL constants). */
export function transposeToRows(m: Float64Array, rows: number, cols: number): number[][] {
  return Array.from({ length: cols }, (_, j) => Array.from({ length: rows }, (_, i) => m[i * cols + j]!));
}
