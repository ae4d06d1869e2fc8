"""The benchmarks' random stream, bit for bit the same as bench/common/bench_random.ts.

Uniforms are mulberry32 (32-bit integer arithmetic); each normal uses two
uniforms by Box-Muller, sqrt(-2 ln(1 - u)) cos(2 pi v), with no cached second
value. Pure Python (no numpy), so `python3 bench_random.py SEED COUNT` can be
checked against the TypeScript generator without the peers' stack.
"""
import math
import sys

_MASK = 0xFFFFFFFF


def _imul(a, b):
    """Math.imul: the low 32 bits of the product, as an unsigned int."""
    return (a * b) & _MASK


class BenchRandom:
    def __init__(self, seed):
        self._a = seed & _MASK

    def uniform(self):
        self._a = (self._a + 0x6D2B79F5) & _MASK
        t = self._a
        t = _imul(t ^ (t >> 15), t | 1)
        t ^= (t + _imul(t ^ (t >> 7), t | 61)) & _MASK
        return ((t ^ (t >> 14)) & _MASK) / 4294967296.0

    def normal(self):
        u = 1.0 - self.uniform()
        v = self.uniform()
        return math.sqrt(-2.0 * math.log(u)) * math.cos(2.0 * math.pi * v)


if __name__ == '__main__':
    seed, count = int(sys.argv[1]), int(sys.argv[2])
    rng = BenchRandom(seed)
    print(' '.join(repr(x) for x in ([rng.uniform() for _ in range(count)] + [rng.normal() for _ in range(count)])))
