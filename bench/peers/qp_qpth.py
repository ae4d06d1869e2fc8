"""Peer of `npm run bench -- qp`: qpth (Amos & Kolter 2017) on exactly our
batched QPs (bench_cases.random_qp_case, same seeds), every argument batched,
float64 on the CPU. Per case, after one untimed warm-up, `--repeats` rounds of
 - inference: QPFunction under torch.no_grad() (fwd_inference_s), then
 - training: a fresh forward (fwd_s) and z.sum().backward() (bwd_s);
printing one JSON line per case with the same fields as bench/qp.ts, plus the
versions, settings, and the primal feasibility violation of qpth's solution.
Settings: eps = our tol (1e-12), maxIter = 50 (our default maxIters),
notImprovedLim = 3 (qpth's default); `--threads` sets torch's intra-op threads.
"""
import time

import numpy as np
import torch
from qpth.qp import QPFunction, QPSolvers

from bench_cases import QP_CASES, qp_case_key, qp_seed, random_qp_case
from peer_common import base_parser, emit, summarize, versions


def primal_violation(G, h, A, b, z):
    """max(|(Gz - h)_+|, |Az - b|) of qpth's solution over the batch: its feasibility at the
    returned point (qpth returns no multipliers through QPFunction, so no stationarity residual)."""
    viol = np.maximum(np.einsum('bij,bj->bi', G, z) - h, 0).max(initial=0)
    eq = np.abs(np.einsum('bij,bj->bi', A, z) - b).max(initial=0) if A.shape[1] > 0 else 0.0
    return float(max(viol, eq))


def main():
    parser = base_parser(__doc__)
    parser.add_argument('--tol', type=float, default=1e-12)
    parser.add_argument('--threads', type=int, default=0, help='torch intra-op threads (0: torch default)')
    args, _ = parser.parse_known_args()
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    settings = {'eps': args.tol, 'maxIter': 50, 'notImprovedLim': 3, 'solver': 'PDIPM_BATCHED',
                'dtype': 'float64', 'device': 'cpu', 'torch_threads': torch.get_num_threads()}
    qp_fn = QPFunction(eps=args.tol, verbose=0, notImprovedLim=3, maxIter=50, solver=QPSolvers.PDIPM_BATCHED)
    for k, (batch, n, m, neq) in enumerate(QP_CASES):
        Q, p, G, h, A, b = random_qp_case(batch, n, m, neq, qp_seed(k))
        tensors = [torch.from_numpy(x) for x in (Q, p, G, h)]
        eq = [torch.from_numpy(A), torch.from_numpy(b)] if neq > 0 else [torch.empty(0, dtype=torch.float64), torch.empty(0, dtype=torch.float64)]

        def forward(requires_grad):
            leaves = [t.clone().requires_grad_(requires_grad) for t in tensors + (eq if neq > 0 else [])]
            args_ = leaves if neq > 0 else leaves + eq
            return qp_fn(*args_)

        forward(True).sum().backward()  # warm-up
        inference, fwd, bwd = [], [], []
        z = None
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            with torch.no_grad():
                forward(False)
            inference.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            z = forward(True)
            t1 = time.perf_counter()
            z.sum().backward()
            t2 = time.perf_counter()
            fwd.append(t1 - t0)
            bwd.append(t2 - t1)
        emit({
            'bench': 'qp', 'case': qp_case_key(batch, n, m, neq), 'impl': 'qpth/pdipm_batched',
            'batch': batch, 'n': n, 'nineq': m, 'neq': neq, 'repeats': args.repeats,
            'settings': settings, 'versions': versions('torch', 'qpth', 'numpy'),
            'timings': {'fwd_inference_s': summarize(inference), 'fwd_s': summarize(fwd), 'bwd_s': summarize(bwd),
                        'fwd_bwd_s': summarize([f + b_ for f, b_ in zip(fwd, bwd)])},
            'primal_violation': primal_violation(G, h, A, b, z.detach().numpy()),
        })


if __name__ == '__main__':
    main()
