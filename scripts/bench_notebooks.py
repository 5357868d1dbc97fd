"""Time the notebooks: whole run and time to the first table, warm and (with --cold) cold.

    python scripts/bench_notebooks.py [--cold] [--runs N] [notebooks/x.ipynb ...]

warm: the project's persistent evcxr build dir (what `make setup && make demo` leaves behind).
cold: a fresh, empty build dir and an empty evcxr compilation cache (XDG_CACHE_HOME), i.e. a
      first run on a new machine; this takes minutes per notebook on 2 cores.
Notebooks run one after the other (one evcxr build dir serves one kernel at a time). The goal on
a 2-core machine: warm get_heart_rate.ipynb end to end within 20 s, and every cell after the
first compiling one within 2 s.
"""

from __future__ import annotations

import argparse
import math
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import nbrun  # noqa: E402
import run_notebooks  # noqa: E402
import sim  # noqa: E402

GOAL_TOTAL, GOAL_CELL = 20.0, 2.0


def later_cells_max(r: nbrun.RunResult) -> float:
    """Slowest cell after the first (which loads fitbit_core and connects)."""
    times = [c.seconds for c in r.cells if not math.isnan(c.seconds)]
    return max(times[1:], default=float("nan"))


def bench(nb: Path, mode: str, work: Path) -> nbrun.RunResult:
    env = nbrun.demo_env() | {"FITBIT_DATE": "2026-09-25"}
    if mode == "cold":
        fresh = Path(tempfile.mkdtemp(prefix="evcxr-cold-", dir=work))
        env |= {"EVCXR_BUILD_ROOT": str(fresh / "build"), "XDG_CACHE_HOME": str(fresh / "cache")}
    return nbrun.execute(nb, work / f"{mode}-{nb.stem}", env=env)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cold", action="store_true", help="also time a cold run (minutes)")
    ap.add_argument("--runs", type=int, default=1, help="warm runs per notebook (best is reported)")
    ap.add_argument("notebooks", nargs="*", type=Path)
    args = ap.parse_args()
    notebooks = [p.resolve() for p in args.notebooks] or run_notebooks.default_notebooks()
    work = Path(tempfile.mkdtemp(prefix="nbbench-"))
    rows = []
    try:
        with sim.emulator():
            for nb in notebooks:
                modes = (["cold"] if args.cold else []) + ["warm"] * args.runs
                for mode in modes:
                    print(f"{mode:4s} {nb.name} ...", flush=True)
                    r = bench(nb, mode, work)
                    print(nbrun.describe(r), flush=True)
                    rows.append((nb.name, mode, r))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("\nnotebook               mode   total   first table   slowest later cell   status")
    failed = False
    for name, mode, r in rows:
        first = f"{r.first_table_seconds:8.1f} s" if r.first_table_seconds is not None else "       -  "
        print(f"{name:22s} {mode:5s} {r.seconds:6.1f} s  {first}    {later_cells_max(r):8.1f} s          "
              f"{'ok' if r.ok else 'FAILED'}")
        failed |= not r.ok
    warm_hr = [r for n, m, r in rows if n == "get_heart_rate.ipynb" and m == "warm" and r.ok]
    if warm_hr:
        best = min(warm_hr, key=lambda r: r.seconds)
        print(f"\nwarm get_heart_rate: {best.seconds:.1f} s end to end (goal {GOAL_TOTAL:.0f} s: "
              f"{'met' if best.seconds <= GOAL_TOTAL else 'missed'}); slowest later cell "
              f"{later_cells_max(best):.1f} s (goal {GOAL_CELL:.0f} s: "
              f"{'met' if later_cells_max(best) <= GOAL_CELL else 'missed'})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
