"""Digest chart render time and the install size matplotlib adds.

    python bench/charts.py [runs]

Prints the median and worst render time per chart (target: under 300 ms each, warm), the first (cold)
render including matplotlib's import and font cache, and the on-disk size of matplotlib and the packages
only it pulls in (numpy, pillow, fonttools, kiwisolver, contourpy, cycler, pyparsing, python-dateutil,
packaging, six) in this environment.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from datetime import date, timedelta
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# Packages installed for matplotlib alone (none of Stretch's other dependencies needs them).
ONLY_FOR_MATPLOTLIB = (
    "matplotlib",
    "numpy",
    "pillow",
    "fonttools",
    "kiwisolver",
    "contourpy",
    "cycler",
    "pyparsing",
    "python-dateutil",
    "six",
)


def _installed_size(name: str) -> int:
    try:
        dist = metadata.distribution(name)
    except metadata.PackageNotFoundError:
        return 0
    total = 0
    for file in dist.files or ():
        path = Path(str(dist.locate_file(file)))
        if path.is_file():
            total += path.stat().st_size
    return total


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    started = time.perf_counter()
    from bot.charts import BurnupData, ZoneMixData, ZoneWeek, png_size, render_burnup, render_zones

    start = date(2026, 10, 1)
    days = [start + timedelta(days=n) for n in range(0, 92, 3)]
    burnup = BurnupData(
        title="Q4 push",
        currency="USD",
        start=start,
        end=date(2026, 12, 31),
        today=date(2026, 11, 20),
        target=12_000_000,
        claimed=11_000_000,
        eaten=tuple((d, 60_000 * n) for n, d in enumerate(days[:17])),
        path=(
            (date(2026, 10, 30), 3_000_000),
            (date(2026, 11, 30), 7_000_000),
            (date(2026, 12, 31), 12_000_000),
        ),
        expected_today=5_500_000,
        status_label="on track",
    )
    zones = ZoneMixData(
        "Northstar",
        tuple(
            ZoneWeek(
                date(2026, 9, 28) + timedelta(weeks=n), {"stretch": 3 + n % 3, "slack": 1, "snap": n % 2}
            )
            for n in range(8)
        ),
    )
    cold = render_burnup(burnup)
    cold_ms = (time.perf_counter() - started) * 1000
    print(f"cold first render (import + font cache + burn-up): {cold_ms:.0f} ms, {png_size(cold)} px")
    for name, render, data in (("burn-up", render_burnup, burnup), ("zone mix", render_zones, zones)):
        times, cpu, size = [], [], 0
        for _ in range(runs):
            t0, c0 = time.perf_counter(), time.process_time()
            png = render(data)  # type: ignore[operator]
            times.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
            size = len(png)
        verdict = "OK" if statistics.median(times) < 300 else "OVER the 300 ms target"
        print(
            f"{name:9s}: median {statistics.median(times):.0f} ms wall ({statistics.median(cpu):.0f} ms CPU), "
            f"worst {max(times):.0f} ms over {runs} runs, {size / 1024:.0f} KiB PNG ({verdict})"
        )
    sizes = {name: _installed_size(name) for name in ONLY_FOR_MATPLOTLIB}
    total = sum(sizes.values())
    detail = ", ".join(f"{n} {s / 2**20:.1f}" for n, s in sizes.items() if s)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    print(f"(machine load average {load:.1f} on {os.cpu_count()} cores while measuring)")
    print(f"install size matplotlib adds: {total / 2**20:.1f} MiB ({detail} MiB)")


if __name__ == "__main__":
    main()
