"""Time the notebooks on stock evcxr and on the project's patched kernel, side by side in one run.

    python scripts/bench_notebooks.py [--cold] [--runs N] [--kernels stock,patched]
                                      [--kernel NAME=PATH/TO/evcxr_jupyter ...] [notebooks/x.ipynb ...]

Both kernels run the same notebooks on the same warm build dir (the project's persistent evcxr
build dir, slot 0, which `make setup` warms), alternating run by run: stock, patched, stock,
patched, ... so machine load affects both alike. stock = evcxr_jupyter 0.22.0 as released
(.evcxr/stock, `scripts/build_kernel.sh --stock`, or the one on PATH), started through the same
kernelspec with FITBIT_STOCK_KERNEL=1; patched = .evcxr/kernel (kernel/README.md).
--kernel adds another evcxr_jupyter binary to the rotation (for example a build with one patch
left out: FITBIT_KERNEL_DIRECT_RUSTC=0 scripts/build_kernel.sh, then copy .evcxr/kernel away).
--cold adds, per kernel, one run on a fresh, empty build dir and evcxr cache (minutes).

Printed per run: end to end (from kernel launch), kernel start, time to the first table (from
kernel launch) and every cell; at the end one table per notebook with the best run of each kernel,
cell by cell. Goals on a 2-core machine, warm get_heart_rate.ipynb on the patched kernel: end to
end <= 10 s, first table within 6 s of kernel launch, every cell after the `:dep` cell <= 1.5 s.
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

GOAL_TOTAL, GOAL_FIRST_TABLE, GOAL_CELL = 10.0, 6.0, 1.5
KERNEL_ENV = {"stock": {"FITBIT_STOCK_KERNEL": "1"}, "patched": {"FITBIT_STOCK_KERNEL": "0"}}


def later_cells_max(r: nbrun.RunResult) -> float:
    """Slowest cell after the first (which loads fitbit_core with `:dep` and connects)."""
    times = [c.seconds for c in r.cells if not math.isnan(c.seconds)]
    return max(times[1:], default=float("nan"))


def stock_available() -> bool:
    return (nbrun.REPO / ".evcxr/stock/bin/evcxr_jupyter").exists() or shutil.which("evcxr_jupyter") is not None


def bench(nb: Path, kernel: str, mode: str, work: Path) -> nbrun.RunResult:
    env = nbrun.demo_env() | {"FITBIT_DATE": "2026-09-25"} | KERNEL_ENV[kernel]
    if mode == "cold":
        fresh = Path(tempfile.mkdtemp(prefix=f"evcxr-cold-{kernel}-", dir=work))
        env |= {"EVCXR_BUILD_ROOT": str(fresh / "build"), "XDG_CACHE_HOME": str(fresh / "cache")}
    return nbrun.execute(nb, work / f"{mode}-{kernel}-{nb.stem}", env=env)


def fmt(x: float | None, width: int = 6) -> str:
    return f"{x:{width}.1f} s" if x is not None and not math.isnan(x) else " " * (width - 1) + "- s"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cold", action="store_true", help="also time a cold run per kernel (minutes)")
    ap.add_argument("--runs", type=int, default=1, help="warm runs per notebook and kernel (best is reported)")
    ap.add_argument("--kernels", default="stock,patched", help="comma-separated: stock, patched")
    ap.add_argument("--kernel", action="append", default=[], metavar="NAME=PATH",
                    help="another evcxr_jupyter binary to time beside them (repeatable)")
    ap.add_argument("notebooks", nargs="*", type=Path)
    args = ap.parse_args()
    kernels = [k for k in args.kernels.split(",") if k]
    for spec in args.kernel:
        name, _, path = spec.partition("=")
        if not name or not Path(path).is_file():
            ap.error(f"--kernel {spec}: expected NAME=PATH to an evcxr_jupyter binary")
        KERNEL_ENV[name] = {"FITBIT_STOCK_KERNEL": "0", "EVCXR_JUPYTER": str(Path(path).resolve())}
        kernels.append(name)
    if any(k not in KERNEL_ENV for k in kernels):
        ap.error(f"--kernels: choose from {', '.join(KERNEL_ENV)}")
    if "stock" in kernels and not stock_available():
        print("note: no stock evcxr_jupyter (run `scripts/build_kernel.sh --stock`): timing the patched kernel only")
        kernels.remove("stock")
    notebooks = [p.resolve() for p in args.notebooks] or run_notebooks.default_notebooks()
    work = Path(tempfile.mkdtemp(prefix="nbbench-"))
    rows: list[tuple[str, str, str, nbrun.RunResult]] = []
    try:
        with sim.emulator():
            for nb in notebooks:
                modes = (["cold"] if args.cold else []) + ["warm"] * args.runs
                for mode in modes:
                    for kernel in kernels:
                        print(f"{mode} {kernel:7s} {nb.name} ...", flush=True)
                        r = bench(nb, kernel, mode, work)
                        print(nbrun.describe(r), flush=True)
                        rows.append((nb.name, kernel, mode, r))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print("\nnotebook               kernel  mode    total   kernel start  first table  `:dep` cell  slowest later  status")
    failed = False
    for name, kernel, mode, r in rows:
        dep = r.cells[0].seconds if r.cells else None
        print(f"{name:22s} {kernel:7s} {mode:5s} {fmt(r.seconds)}   {fmt(r.kernel_start_seconds)}    "
              f"{fmt(r.first_table_seconds)}    {fmt(dep)}     {fmt(later_cells_max(r))}    "
              f"{'ok' if r.ok else 'FAILED'}")
        failed |= not r.ok

    # Cell by cell, best warm run of each kernel.
    for nb in notebooks:
        best = {}
        for name, kernel, mode, r in rows:
            if name == nb.name and mode == "warm" and r.ok and (kernel not in best or r.seconds < best[kernel].seconds):
                best[kernel] = r
        if not best:
            continue
        ks = [k for k in kernels if k in best]
        print(f"\n{nb.name}, best warm run: " + ", ".join(f"{k} {best[k].seconds:.1f} s" for k in ks))
        print("  cell " + "".join(f"{k:>10s}" for k in ks) + "   source")
        ref = best[ks[-1]]
        for i, c in enumerate(ref.cells):
            times = "".join(fmt(best[k].cells[i].seconds if i < len(best[k].cells) else None, 8) for k in ks)
            print(f"  {c.index:4d} {times}   {c.source_head}")
        print(f"  {'total':4s} " + "".join(fmt(best[k].seconds, 8) for k in ks))
        print(f"  {'1st table':4s}" + "".join(fmt(best[k].first_table_seconds, 8) for k in ks))

    hr = [r for n, k, m, r in rows if n == "get_heart_rate.ipynb" and k == "patched" and m == "warm" and r.ok]
    if hr:
        b = min(hr, key=lambda r: r.seconds)
        first = b.first_table_seconds if b.first_table_seconds is not None else float("inf")
        print(f"\nwarm get_heart_rate, patched kernel: {b.seconds:.1f} s end to end (goal {GOAL_TOTAL:.0f} s: "
              f"{'met' if b.seconds <= GOAL_TOTAL else 'missed'}); first table after {first:.1f} s (goal "
              f"{GOAL_FIRST_TABLE:.0f} s: {'met' if first <= GOAL_FIRST_TABLE else 'missed'}); slowest later cell "
              f"{later_cells_max(b):.1f} s (goal {GOAL_CELL} s: {'met' if later_cells_max(b) <= GOAL_CELL else 'missed'})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
