#!/usr/bin/env python
"""Cost of one password check per hasher and parameter set on this machine (issue 16, item 4).

    .venv/bin/python scripts/bench_hashers.py                 # PBKDF2 counts and argon2id sets
    .venv/bin/python scripts/bench_hashers.py --repeat 9

PBKDF2-SHA256 is timed through Django's own hasher (``verify``, what a login runs). argon2id is
timed through argon2-cffi when it is installed (what Django's Argon2PasswordHasher calls); without
it, through the system's libargon2 (``libargon2.so.1``, the same reference implementation that
argon2-cffi bundles) by ctypes, so the parameters can be chosen before the package is in the lock.
Each figure is the median of ``--repeat`` checks in one thread, with the 1-minute load average
printed beside it: on a shared machine compare the rows of one run with each other.
"""

import argparse
import ctypes
import ctypes.util
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

PBKDF2_ITERATIONS = [100_000, 300_000, 600_000, 1_000_000]
# (time cost, memory cost in KiB, parallelism): OWASP's argon2id configurations (Password Storage
# Cheat Sheet: m=47104 t=1, m=19456 t=2, m=12288 t=3, all p=1), Django's default and the portal's.
ARGON2_SETS = [
    (1, 47_104, 1),
    (2, 19_456, 1),
    (3, 12_288, 1),
    (2, 65_536, 1),
    (3, 65_536, 1),
    (2, 102_400, 8),
]
PASSWORD = "Zhicheng@2026"


def median_seconds(check, repeat: int) -> float:
    check()  # warm up (imports, the first allocation)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        check()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def pbkdf2_check(iterations: int):
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    hasher = PBKDF2PasswordHasher()
    encoded = hasher.encode(PASSWORD, hasher.salt(), iterations)
    return lambda: hasher.verify(PASSWORD, encoded)


def argon2_check(time_cost: int, memory_cost: int, parallelism: int):
    try:
        import argon2
    except ImportError:
        return libargon2_check(time_cost, memory_cost, parallelism), "libargon2 (ctypes)"
    hasher = argon2.PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)
    encoded = hasher.hash(PASSWORD)
    return lambda: hasher.verify(encoded, PASSWORD), "argon2-cffi"


def libargon2_check(time_cost: int, memory_cost: int, parallelism: int):
    path = ctypes.util.find_library("argon2") or "libargon2.so.1"
    lib = ctypes.CDLL(path)
    lib.argon2id_hash_raw.restype = ctypes.c_int
    lib.argon2id_hash_raw.argtypes = [
        ctypes.c_uint32,
        ctypes.c_uint32,
        ctypes.c_uint32,
        ctypes.c_void_p,
        ctypes.c_size_t,
        ctypes.c_void_p,
        ctypes.c_size_t,
        ctypes.c_void_p,
        ctypes.c_size_t,
    ]
    password, salt = PASSWORD.encode(), os.urandom(16)
    out = ctypes.create_string_buffer(32)

    def check():
        rc = lib.argon2id_hash_raw(time_cost, memory_cost, parallelism, password, len(password), salt, 16, out, 32)
        if rc != 0:
            raise RuntimeError(f"argon2id_hash_raw returned {rc}")

    return check


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    import django

    django.setup()
    print(f"{'hasher':<44}{'median s':>10}{'load':>7}")
    for iterations in PBKDF2_ITERATIONS:
        seconds = median_seconds(pbkdf2_check(iterations), args.repeat)
        print(f"{f'pbkdf2_sha256 {iterations:,} iterations':<44}{seconds:>10.3f}{os.getloadavg()[0]:>7.1f}")
    for time_cost, memory_cost, parallelism in ARGON2_SETS:
        check, via = argon2_check(time_cost, memory_cost, parallelism)
        seconds = median_seconds(check, args.repeat)
        label = f"argon2id t={time_cost} m={memory_cost // 1024} MiB p={parallelism}"
        print(f"{label:<44}{seconds:>10.3f}{os.getloadavg()[0]:>7.1f}  {via}")


if __name__ == "__main__":
    main()
