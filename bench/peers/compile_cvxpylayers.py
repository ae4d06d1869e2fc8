"""Peer of `npm run bench -- compile`: the time of building a cvxpylayers
CvxpyLayer (CVXPY's DPP canonicalization and the parameter-to-data maps) on
exactly our problem families and sizes (bench_cases.compile_data, same seeds):
  dpp_least_squares:         minimize sum_squares(A x - b), A 2n x n, n in {10, 100, 300, 1000}
  dpp_l1_regularized_norm2:  minimize norm2(A x - b) + 0.1 norm1(x), n in {50, 150, 500}
Per size, after a warm-up build, `--repeats` builds of a fresh problem
(max(repeats, 15) below n = 300); one JSON line per size with the timings
field compile_ms, as bench/compile.ts. `--sizes` and `--family` as ours.
"""
import time

import cvxpy as cp
import numpy as np
from cvxpylayers.torch import CvxpyLayer

from bench_cases import COMPILE_FAMILIES, compile_data
from peer_common import base_parser, emit, summarize, versions


def build(family, n):
    m = 2 * n
    A = cp.Parameter((m, n))
    b = cp.Parameter(m)
    x = cp.Variable(n)
    if family == 'dpp_least_squares':
        objective = cp.sum_squares(A @ x - b)
    else:
        objective = cp.norm(A @ x - b, 2) + 0.1 * cp.norm(x, 1)
    return cp.Problem(cp.Minimize(objective)), [A, b], [x]


def main():
    parser = base_parser(__doc__)
    parser.add_argument('--sizes', default=None)
    parser.add_argument('--family', default=None)
    args, _ = parser.parse_known_args()
    for family, default_sizes in COMPILE_FAMILIES.items():
        if args.family is not None and args.family != family:
            continue
        sizes = [int(s) for s in args.sizes.split(',')] if args.sizes else default_sizes
        for n in sizes:
            A_val, b_val = compile_data(n)  # drawn as ours; values do not affect the build
            prob, params, variables = build(family, n)
            CvxpyLayer(prob, parameters=params, variables=variables)  # warm-up
            reps = args.repeats if n >= 300 else max(args.repeats, 15)
            times = []
            for _ in range(reps):
                prob, params, variables = build(family, n)
                t0 = time.perf_counter()
                CvxpyLayer(prob, parameters=params, variables=variables)
                times.append((time.perf_counter() - t0) * 1000)
            emit({
                'bench': 'compile', 'case': f'{family}_n{n}', 'impl': 'cvxpylayers/CvxpyLayer',
                'problem': family, 'n': n, 'm': 2 * n, 'parameter_entries': A_val.size + b_val.size, 'repeats': reps,
                'settings': {'what': 'CvxpyLayer(problem, parameters, variables) construction'},
                'versions': versions('cvxpylayers', 'cvxpy', 'diffcp', 'numpy'),
                'timings': {'compile_ms': summarize(times)},
            })


if __name__ == '__main__':
    main()
