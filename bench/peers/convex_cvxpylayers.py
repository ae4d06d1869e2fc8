"""Peer of `npm run bench -- convex`: cvxpylayers (Agrawal et al. 2019) on the
dense QP of its own examples/torch/prof.py, on exactly our data
(bench_cases.dense_qp_case, same seeds), all four parameters batched:
    minimize 1/2 |S z|^2 + p'z  s.t.  G z <= h      (S = Q^(1/2), p, G, h per element)
with prof.py's solver_args (SCS eps 1e-6, max_iters 1000, use_indirect False)
in both diffcp derivative modes, 'dense' (impl cvxpylayers/dense) and 'lsqr'
(impl cvxpylayers/lsqr). Per case and mode, after one untimed warm-up,
`--repeats` timed forward calls and z.sum().backward() calls; one JSON line
with the same fields as bench/convex.ts (timings fwd_s, bwd_s, total_s) plus
versions, settings and n_jobs. `--cases 0,1,2` picks cases; `--n-jobs J`
sets n_jobs_forward/backward (default 1: one process, like ours; prof.py used 12).
"""
import time

import cvxpy as cp
import numpy as np
import torch
from cvxpylayers.torch import CvxpyLayer

from bench_cases import CONVEX_CASES, convex_case_key, convex_seed, dense_qp_case
from peer_common import base_parser, emit, summarize, versions


def layer_for(n, m):
    S = cp.Parameter((n, n))
    p = cp.Parameter(n)
    G = cp.Parameter((m, n))
    h = cp.Parameter(m)
    z = cp.Variable(n)
    prob = cp.Problem(cp.Minimize(0.5 * cp.sum_squares(S @ z) + p @ z), [G @ z <= h])
    assert prob.is_dpp()
    return CvxpyLayer(prob, parameters=[S, p, G, h], variables=[z])


def main():
    parser = base_parser(__doc__)
    parser.add_argument('--cases', default='0,1,2')
    parser.add_argument('--n-jobs', type=int, default=1)
    args, _ = parser.parse_known_args()
    for k in (int(c) for c in args.cases.split(',')):
        batch, n, m = CONVEX_CASES[k]
        data = [torch.from_numpy(x) for x in dense_qp_case(batch, n, m, convex_seed(k))]
        layer = layer_for(n, m)
        for mode in ('dense', 'lsqr'):
            solver_args = {'mode': mode, 'eps': 1e-6, 'max_iters': 1000, 'use_indirect': False,
                           'n_jobs_forward': args.n_jobs, 'n_jobs_backward': args.n_jobs, 'verbose': False}
            fwd, bwd = [], []
            for rep in range(args.repeats + 1):
                leaves = [t.clone().requires_grad_(True) for t in data]
                t0 = time.perf_counter()
                z, = layer(*leaves, solver_args=solver_args)
                t1 = time.perf_counter()
                z.sum().backward()
                t2 = time.perf_counter()
                if rep > 0:  # the first call warms up (canonicalization caches, SCS)
                    fwd.append(t1 - t0)
                    bwd.append(t2 - t1)
            emit({
                'bench': 'convex', 'case': convex_case_key(batch, n, m), 'impl': f'cvxpylayers/{mode}',
                'batch': batch, 'n': n, 'nineq': m, 'batched_parameters': ['S', 'p', 'G', 'h'],
                'repeats': args.repeats, 'settings': solver_args,
                'versions': versions('cvxpylayers', 'diffcp', 'cvxpy', 'scs', 'torch', 'numpy'),
                'timings': {'fwd_s': summarize(fwd), 'bwd_s': summarize(bwd), 'total_s': summarize([f + b for f, b in zip(fwd, bwd)])},
            })


if __name__ == '__main__':
    main()
