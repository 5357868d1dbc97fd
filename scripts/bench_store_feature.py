"""What the `store` feature costs a notebook: `:dep fitbit_core` with and without
`features = ["store"]`, cold (empty evcxr build dir) and warm, side by side in one run.

    scripts/py.sh scripts/bench_store_feature.py [--warm-runs N]

Each variant gets its own fresh build dir (EVCXR_BUILD_ROOT in a temporary folder); the cold
runs come first, then the warm runs alternate lean, store, lean, store... on those same dirs,
so machine load affects both alike. The notebook is two cells: the `:dep` line (plus a `use`),
then one call into the library (for `store`, opening a store).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
import nbrun  # noqa: E402

DEP = ':dep fitbit_core = { path = "../fitbit_core"%s }\nuse fitbit_core::chrono::NaiveDate;'
LEAN = ('let name: String = fitbit_core::table::hr_csv_name(NaiveDate::from_ymd_opt(2026, 9, 25).unwrap());\n'
        'name')
STORE = ('let store: fitbit_core::store::Store = fitbit_core::store::Store::open("bench-store")?;\n'
         'let name: String = store.root().display().to_string();\nname')
VARIANTS = {"lean": ("", LEAN), "store": (', features = ["store"]', STORE)}


def notebook(variant: str, folder: Path) -> Path:
    feat, body = VARIANTS[variant]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(DEP % feat), nbformat.v4.new_code_cell(body)])
    nb.metadata["kernelspec"] = {"name": "rust", "display_name": "Rust", "language": "rust"}
    path = folder / f"bench_{variant}.ipynb"
    nbformat.write(nb, path)
    return path


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--warm-runs", type=int, default=2)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="nbstore-"))
    rows = []
    try:
        nbs = {v: notebook(v, work) for v in VARIANTS}
        env = {v: {"EVCXR_BUILD_ROOT": str(work / f"build-{v}"), "XDG_CACHE_HOME": str(work / f"cache-{v}")}
               for v in VARIANTS}
        for mode in ["cold"] + ["warm"] * args.warm_runs:
            for v in VARIANTS:
                print(f"{mode} {v} ...", flush=True)
                r = nbrun.execute(nbs[v], work / f"out-{v}", env=env[v])
                print(nbrun.describe(r), flush=True)
                rows.append((v, mode, r))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("\nvariant  mode   total     `:dep` cell  call cell  status")
    for v, mode, r in rows:
        c = [x.seconds for x in r.cells] + [float("nan")] * 2
        print(f"{v:8s} {mode:5s} {r.seconds:7.1f} s  {c[0]:7.1f} s  {c[1]:7.1f} s  {'ok' if r.ok else 'FAILED'}")
    return 0 if all(r.ok for _, _, r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
