#!/usr/bin/env python
"""Certificates per second: render N certificates (A4 landscape, CJK fonts, QR code, photo) with
the portal's own template and renderer, one PDF per certificate and as one combined batch PDF.

    .venv/bin/python scripts/bench_certificates.py            # N=1000, 1 and 2 processes
    .venv/bin/python scripts/bench_certificates.py -n 200 --processes 1

The certificates are built in memory (no database needed); everything else is what a job runs:
certificates.documents.certificates_pdf, the same template, stylesheet and font configuration.
Results go to stdout; docs/BENCHMARKS.md records the figures measured on the project's machine.
"""

import argparse
import base64
import datetime
import io
import os
import resource
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")


def setup():
    import django

    django.setup()


SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超"]


def photo_uri() -> str:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (300, 400), (64, 110, 180)).save(buffer, "JPEG", quality=80)
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode()


def certificates(n: int, offset: int = 0):
    """n unsaved certificates with distinct holders, numbers and QR tokens."""
    from certificates.models import Certificate, verify_token
    from portal.accounts.models import User
    from portal.core.identity import with_check_digit

    year = datetime.date.today().year
    made = []
    for i in range(offset, offset + n):
        name = SURNAMES[i % len(SURNAMES)] + GIVEN[(i // len(SURNAMES)) % len(GIVEN)]
        holder = User(pk=i + 1, real_name=name, id_number=with_check_digit(f"530102{1970 + i % 30}0101{i % 1000:03d}"))
        made.append(
            Certificate(
                pk=i + 1,
                number=f"530100{year}{i + 1:06d}",
                year=year,
                serial=i + 1,
                holder=holder,
                holder_name=name,
                id_number=holder.id_number,
                series_name="中小学教师",
                title_name="一级教师",
                level_name="中级",
                obtained_by="evaluation" if i % 3 else "recognition",
                approved_on=datetime.date(year, 6, 30),
                issued_on=datetime.date.today(),
                authority_name="昆明市人力资源和社会保障局",
                committee_name="昆明市中小学中级教师评审委员会" if i % 3 else "",
                verify_token=verify_token(),
            )
        )
    return made


def one_by_one(args) -> tuple[int, int, float]:
    """Render certificates [offset, offset+n) as one PDF each; (count, bytes, CPU seconds)."""
    n, offset = args
    setup()
    from certificates.documents import certificates_pdf

    photo = photo_uri()
    batch = certificates(n, offset)
    cpu = time.process_time()
    total = 0
    for certificate in batch:
        total += len(certificates_pdf([certificate], photos={certificate.holder_id: photo}))
    return n, total, time.process_time() - cpu


def combined(args) -> tuple[int, int, float]:
    """Render certificates [offset, offset+n) as one combined PDF; (count, bytes, CPU seconds)."""
    n, offset = args
    setup()
    from certificates.documents import certificates_pdf

    photo = photo_uri()
    batch = certificates(n, offset)
    cpu = time.process_time()
    data = certificates_pdf(batch, photos={c.holder_id: photo for c in batch})
    return n, len(data), time.process_time() - cpu


def warm(_=None):
    """Load fonts and stylesheets once, as a long-running worker has."""
    one_by_one((1, 10_000_000))


def run(mode, n: int, processes: int) -> dict:
    function = {"one-by-one": one_by_one, "combined": combined}[mode]
    shares = [n // processes + (1 if i < n % processes else 0) for i in range(processes)]
    offsets = [sum(shares[:i]) for i in range(processes)]
    with ProcessPoolExecutor(processes) as pool:
        list(pool.map(warm, range(processes)))  # each process warms up before the clock starts
        start = time.perf_counter()
        results = list(pool.map(function, zip(shares, offsets, strict=True)))
        seconds = time.perf_counter() - start
    size = sum(r[1] for r in results)
    cpu = sum(r[2] for r in results)
    return {
        "mode": mode,
        "n": n,
        "processes": processes,
        "seconds": seconds,
        "per_second": n / seconds,
        "bytes": size,
        "cpu_ms": 1000 * cpu / n,
    }


def _load() -> str:
    """The load average: other work on the machine slows the wall-clock figures down."""
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=1000, help="certificates to render (default 1000)")
    parser.add_argument(
        "--processes", type=int, nargs="*", default=[1, 2], help="worker processes to measure (default: 1 2)"
    )
    parser.add_argument("--modes", nargs="*", default=["combined", "one-by-one"], choices=["combined", "one-by-one"])
    options = parser.parse_args()
    setup()
    import weasyprint

    print(f"WeasyPrint {weasyprint.__version__}, {os.cpu_count()} CPU(s), N={options.n}, load {_load()}")
    for mode in options.modes:
        for processes in options.processes:
            r = run(mode, options.n, processes)
            print(
                f"{r['mode']:>11}  {r['processes']} process(es): {r['n']} certificates in {r['seconds']:.1f} s "
                f"= {r['per_second']:.1f} certificates/s; CPU {r['cpu_ms']:.0f} ms per certificate; "
                f"{r['bytes'] / r['n'] / 1024:.0f} KiB per certificate; load {_load()}",
                flush=True,
            )
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak memory of one rendering process: {peak:.0f} MiB")


if __name__ == "__main__":
    main()
