"""Peer of `npm run bench -- deq`: TorchDEQ (Geng & Kolter 2023) on exactly
our cell (bench_cases.deq_cell, same seed): f(z, x) = tanh(z W + x U + b),
batch 64, hidden 128, input 128, float32 on the CPU.
 - forward cases (deq_forward_<solver>): TorchDEQ's inference path (eval mode)
   with f_solver in fixed_point_iter / anderson (m = 6, as ours) / broyden,
   f_tol 1e-4 with f_stop_mode 'rel', f_max_iter 1000; timings fwd_ms.
 - backward cases (deq_backward_<mode>): one training step of
   l = sum(z* .* c) with anderson forward (f_tol 1e-4 rel, f_max_iter 200) and
   implicit: ift=True, b_solver anderson, b_tol 1e-4 rel, b_max_iter 200;
   phantom: PhantomGrad with grad = 5 steps, tau = 0.5;
   jfb: PhantomGrad with grad = 1, tau = 1.0 (the Jacobian-free backward);
   timings fwd_ms, bwd_ms, total_ms.
`--repeats` timed runs after one warm-up; `--threads` sets torch's threads.
Our solver names map as fixed_point -> fixed_point_iter.
"""
import time

import torch
from torchdeq import get_deq

from bench_cases import deq_cell
from peer_common import base_parser, emit, summarize, versions

BATCH, HIDDEN, INPUT = 64, 128, 128
SOLVERS = {'fixed_point': 'fixed_point_iter', 'anderson': 'anderson', 'broyden': 'broyden'}
MODES = {
    'implicit': dict(ift=True, b_solver='anderson', b_tol=1e-4, b_stop_mode='rel', b_max_iter=200),
    'phantom': dict(ift=False, grad=5, tau=0.5),
    'jfb': dict(ift=False, grad=1, tau=1.0),
}


def main():
    parser = base_parser(__doc__)
    parser.add_argument('--contraction', type=float, default=0.95)
    parser.add_argument('--threads', type=int, default=0)
    args, _ = parser.parse_known_args()
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    W_, U_, b_, x_, c_ = (torch.from_numpy(a) for a in deq_cell(BATCH, HIDDEN, INPUT, args.contraction))
    W, U, b = (torch.nn.Parameter(t.clone()) for t in (W_, U_, b_))
    common = {'batch': BATCH, 'hidden': HIDDEN, 'contraction': args.contraction, 'repeats': args.repeats,
              'versions': versions('torchdeq', 'torch', 'numpy'), 'torch_threads': torch.get_num_threads()}

    def cell(z):
        return torch.tanh(z @ W + x_ @ U + b)

    z0 = torch.zeros(BATCH, HIDDEN)
    for ours, theirs in SOLVERS.items():
        deq = get_deq(core='sliced', f_solver=theirs, f_max_iter=1000, f_tol=1e-4, f_stop_mode='rel')
        deq.eval()
        times, nstep = [], None
        for rep in range(args.repeats + 1):
            t0 = time.perf_counter()
            with torch.no_grad():
                z_out, info = deq(cell, z0)
            ms = (time.perf_counter() - t0) * 1000
            if rep > 0:
                times.append(ms)
            nstep = info.get('nstep')
        emit({'bench': 'deq', 'case': f'deq_forward_{ours}', 'impl': f'torchdeq/{theirs}', 'kind': 'forward', 'solver': ours,
              **common, 'settings': {'f_solver': theirs, 'f_tol': 1e-4, 'f_stop_mode': 'rel', 'f_max_iter': 1000},
              'iterations': None if nstep is None else float(torch.as_tensor(nstep, dtype=torch.float32).mean()),
              'timings': {'fwd_ms': summarize(times)}})

    for mode, extra in MODES.items():
        settings = dict(core='sliced', f_solver='anderson', f_max_iter=200, f_tol=1e-4, f_stop_mode='rel', **extra)
        deq = get_deq(**settings)
        deq.train()
        fwd, bwd = [], []
        for rep in range(args.repeats + 1):
            for p in (W, U, b):
                p.grad = None
            t0 = time.perf_counter()
            z_out, _ = deq(cell, z0)
            loss = (z_out[-1] * c_).sum()
            t1 = time.perf_counter()
            loss.backward()
            t2 = time.perf_counter()
            if rep > 0:
                fwd.append((t1 - t0) * 1000)
                bwd.append((t2 - t1) * 1000)
        emit({'bench': 'deq', 'case': f'deq_backward_{mode}', 'impl': 'torchdeq/anderson', 'kind': 'backward', 'mode': mode,
              **common, 'settings': settings,
              'timings': {'fwd_ms': summarize(fwd), 'bwd_ms': summarize(bwd), 'total_ms': summarize([f + g for f, g in zip(fwd, bwd)])}})


if __name__ == '__main__':
    main()
