"""The benchmark problems of bench/common/qp_cases.ts, bench/deq.ts and
bench/compile.ts, drawn from the same stream in the same order, so the peers
are timed on exactly our numbers (float64 to rounding; the DEQ cell is then
cast to float32 as ours is)."""
import numpy as np

from bench_random import BenchRandom

# Case lists and seeds: the same as bench/convex.ts, bench/qp.ts, bench/compile.ts, bench/deq.ts.
CONVEX_CASES = [(64, 10, 10), (128, 50, 50), (128, 128, 128)]
QP_CASES = [(1, 10, 10, 0), (64, 10, 10, 0), (128, 50, 50, 0), (128, 100, 100, 0), (32, 100, 100, 10)]
COMPILE_FAMILIES = {'dpp_least_squares': [10, 100, 300, 1000], 'dpp_l1_regularized_norm2': [50, 150, 500]}
DEQ_SEED = 42


def convex_seed(k):
    return 1500 + k


def qp_seed(k):
    return 2000 + k


def compile_seed(n):
    return 7000 + n


def convex_case_key(batch, n, m):
    return f'dense_qp_b{batch}_n{n}_m{m}'


def qp_case_key(batch, n, m, neq):
    return f'qp_b{batch}_n{n}_m{m}_eq{neq}'


def _normals(rng, count):
    return np.array([rng.normal() for _ in range(count)], dtype=np.float64)


def _uniforms(rng, count):
    return np.array([rng.uniform() for _ in range(count)], dtype=np.float64)


def dense_qp_case(batch, n, m, seed):
    """denseQpCase: prof.py's dense QP; S is the upper Cholesky factor (S'S = Q = LL' + 1e-3 I)."""
    rng = BenchRandom(seed)
    S = np.empty((batch, n, n))
    p = np.empty((batch, n))
    G = np.empty((batch, m, n))
    h = np.empty((batch, m))
    for e in range(batch):
        L = _uniforms(rng, n * n).reshape(n, n)
        Q = L @ L.T + 1e-3 * np.eye(n)
        S[e] = np.linalg.cholesky(Q).T
        p[e] = _normals(rng, n)
        G[e] = _normals(rng, m * n).reshape(m, n)
        z0 = _normals(rng, n)
        h[e] = G[e] @ z0 + _uniforms(rng, m)
    return S, p, G, h


def random_qp_case(batch, n, m, neq, seed):
    """randomQpCase: Q = LL' + 1e-3 I, h = G z0 + s0, b = A z0, all batched."""
    rng = BenchRandom(seed)
    Q = np.empty((batch, n, n))
    p = np.empty((batch, n))
    G = np.empty((batch, m, n))
    h = np.empty((batch, m))
    A = np.empty((batch, neq, n))
    b = np.empty((batch, neq))
    for e in range(batch):
        L = _normals(rng, n * n).reshape(n, n)
        Q[e] = L @ L.T + 1e-3 * np.eye(n)
        p[e] = _normals(rng, n)
        G[e] = _normals(rng, m * n).reshape(m, n)
        A[e] = _normals(rng, neq * n).reshape(neq, n)
        z0 = _normals(rng, n)
        h[e] = G[e] @ z0 + _uniforms(rng, m)
        b[e] = A[e] @ z0
    return Q, p, G, h, A, b


def compile_data(n):
    """bench/compile.ts's A (2n x n) and b (2n) for size n."""
    rng = BenchRandom(compile_seed(n))
    m = 2 * n
    A = _normals(rng, m * n).reshape(m, n)
    b = _normals(rng, m)
    return A, b


def _with_spectral_norm(w, target):
    """bench/deq.ts's 300 power iterations on W'W, then rescaling to ||W||_2 = target."""
    n = w.shape[0]
    v = np.full(n, 1.0 / np.sqrt(n))
    sigma = 1.0
    for _ in range(300):
        u = w @ v
        x = w.T @ u
        norm = np.linalg.norm(x)
        sigma = np.sqrt(norm)
        v = x / norm
    return w * target / sigma


def deq_cell(batch, hidden, input_dim, contraction):
    """deqCell: W, U, b, x and the loss weights c, in the draw order of bench/deq.ts (float32)."""
    rng = BenchRandom(DEQ_SEED)
    g = _normals(rng, hidden * hidden).reshape(hidden, hidden)
    W = _with_spectral_norm(g + g.T, contraction)
    U = _normals(rng, input_dim * hidden).reshape(input_dim, hidden) * (0.2 / np.sqrt(input_dim))
    bias = _normals(rng, hidden) * 0.1
    x = _normals(rng, batch * input_dim).reshape(batch, input_dim)
    c = _normals(rng, batch * hidden).reshape(batch, hidden)
    return [a.astype(np.float32) for a in (W, U, bias, x, c)]
