/**
 * Equations of motion of an n-link planar pendulum, in float64.
 *
 * Links are massless rods of length l_i with point masses m_i at their ends,
 * hanging from a fixed pivot; q_i is the absolute angle of link i from the
 * downward vertical and the state is x = (q, qd). With mu_jk = sum over
 * i >= max(j, k) of m_i (the mass carried beyond joints j and k), the
 * Euler-Lagrange equations are, in mass-matrix form,
 *
 *   M(q) qdd = tau(q, qd),
 *   M_jk  = mu_jk l_j l_k cos(q_j - q_k),
 *   tau_j = -sum_k mu_jk l_j l_k sin(q_j - q_k) qd_k^2 - g mu_jj l_j sin(q_j) + Q_j,
 *
 * where Q = -b D'D qd is viscous damping b on every joint's relative angular
 * velocity (D differences consecutive link angles). Q dissipates energy
 * (qd'Q = -b |D qd|^2 <= 0), so the rest position x = 0 is stable.
 */
export interface PendulumParams {
  readonly links: number;
  readonly masses: readonly number[];
  readonly lengths: readonly number[];
  readonly gravity: number;
  readonly damping: number;
}

/** Unit masses and lengths, g = 9.81, joint damping `damping`. */
export function defaultPendulum(links: number, damping = 0.5): PendulumParams {
  return { links, masses: Array(links).fill(1), lengths: Array(links).fill(1), gravity: 9.81, damping };
}

/** Solves A z = r in place for a small dense row-major n x n system (Gaussian elimination, partial pivoting). */
export function solveDense(a: Float64Array, r: Float64Array, n: number): Float64Array {
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let row = col + 1; row < n; row++) if (Math.abs(a[row * n + col]!) > Math.abs(a[pivot * n + col]!)) pivot = row;
    if (a[pivot * n + col] === 0) throw new Error(`singular mass matrix at column ${col}`);
    if (pivot !== col) {
      for (let k = 0; k < n; k++) [a[col * n + k], a[pivot * n + k]] = [a[pivot * n + k]!, a[col * n + k]!];
      [r[col], r[pivot]] = [r[pivot]!, r[col]!];
    }
    for (let row = col + 1; row < n; row++) {
      const factor = a[row * n + col]! / a[col * n + col]!;
      if (factor === 0) continue;
      for (let k = col; k < n; k++) a[row * n + k]! -= factor * a[col * n + k]!;
      r[row]! -= factor * r[col]!;
    }
  }
  for (let row = n - 1; row >= 0; row--) {
    let s = r[row]!;
    for (let k = row + 1; k < n; k++) s -= a[row * n + k]! * r[k]!;
    r[row] = s / a[row * n + row]!;
  }
  return r;
}

/** A pendulum's xdot = (qd, qdd) as a function of x = (q, qd), with reusable scratch buffers. */
export class Pendulum {
  readonly dim: number;
  private readonly mu: Float64Array;
  private readonly mass: Float64Array;
  private readonly tau: Float64Array;

  constructor(readonly params: PendulumParams) {
    const n = params.links;
    this.dim = 2 * n;
    this.mu = new Float64Array(n * n);
    for (let j = 0; j < n; j++) {
      for (let k = 0; k < n; k++) {
        let s = 0;
        for (let i = Math.max(j, k); i < n; i++) s += params.masses[i]!;
        this.mu[j * n + k] = s;
      }
    }
    this.mass = new Float64Array(n * n);
    this.tau = new Float64Array(n);
  }

  /** Writes xdot = f(x) into `out` (length 2n). */
  derivative(x: ArrayLike<number>, out: Float64Array): Float64Array {
    const { links: n, lengths: l, gravity: g, damping: b } = this.params;
    for (let j = 0; j < n; j++) {
      let t = -g * this.mu[j * n + j]! * l[j]! * Math.sin(x[j]!);
      for (let k = 0; k < n; k++) {
        const c = this.mu[j * n + k]! * l[j]! * l[k]!;
        const diff = x[j]! - x[k]!;
        this.mass[j * n + k] = c * Math.cos(diff);
        t -= c * Math.sin(diff) * x[n + k]! * x[n + k]!;
      }
      // -b (D'D qd)_j: joint j's relative velocity minus joint j+1's.
      const rel = x[n + j]! - (j > 0 ? x[n + j - 1]! : 0);
      const relNext = j + 1 < n ? x[n + j + 1]! - x[n + j]! : 0;
      this.tau[j] = t - b * (rel - relNext);
      out[j] = x[n + j]!;
    }
    solveDense(this.mass, this.tau, n);
    for (let j = 0; j < n; j++) out[n + j] = this.tau[j]!;
    return out;
  }

  /** Total energy T + U (U = 0 with every link hanging straight down). */
  energy(x: ArrayLike<number>): number {
    const { links: n, lengths: l, gravity: g } = this.params;
    let kinetic = 0;
    let potential = 0;
    for (let j = 0; j < n; j++) {
      potential += g * this.mu[j * n + j]! * l[j]! * (1 - Math.cos(x[j]!));
      for (let k = 0; k < n; k++) kinetic += 0.5 * this.mu[j * n + k]! * l[j]! * l[k]! * Math.cos(x[j]! - x[k]!) * x[n + j]! * x[n + k]!;
    }
    return kinetic + potential;
  }

  /** One classical Runge-Kutta 4 step of size h, in place on x. */
  rk4Step(x: Float64Array, h: number): void {
    const d = this.dim;
    const k1 = this.derivative(x, new Float64Array(d));
    const tmp = new Float64Array(d);
    for (let i = 0; i < d; i++) tmp[i] = x[i]! + 0.5 * h * k1[i]!;
    const k2 = this.derivative(tmp, new Float64Array(d));
    for (let i = 0; i < d; i++) tmp[i] = x[i]! + 0.5 * h * k2[i]!;
    const k3 = this.derivative(tmp, new Float64Array(d));
    for (let i = 0; i < d; i++) tmp[i] = x[i]! + h * k3[i]!;
    const k4 = this.derivative(tmp, new Float64Array(d));
    for (let i = 0; i < d; i++) x[i]! += (h / 6) * (k1[i]! + 2 * k2[i]! + 2 * k3[i]! + k4[i]!);
  }

  /** RK4 trajectory of `steps` steps from x0: (steps + 1) states, row-major. */
  rollout(x0: ArrayLike<number>, steps: number, h: number): Float64Array {
    const d = this.dim;
    const traj = new Float64Array((steps + 1) * d);
    const x = Float64Array.from(x0);
    traj.set(x, 0);
    for (let s = 1; s <= steps; s++) {
      this.rk4Step(x, h);
      traj.set(x, s * d);
    }
    return traj;
  }
}
