"""Execute the notebooks headless against the emulator and keep everything in one folder.

    python scripts/run_notebooks.py [--out output] [notebooks/x.ipynb ...]

Without arguments it runs every notebook in notebooks/ (sequentially: one evcxr build dir serves
one kernel at a time). The executed notebooks, their CSVs and SVG plots land in --out. There is
no fb_conf.json in --out, so the notebooks run in demo mode on synthetic data from the local
emulator, which is started here if it is not already running. `make demo` calls this.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import nbrun  # noqa: E402
import sim  # noqa: E402

NOTEBOOK_DIR = nbrun.REPO / "notebooks"


def default_notebooks() -> list[Path]:
    order = ["update_token.ipynb", "get_heart_rate.ipynb", "history.ipynb", "cohort.ipynb", "import_export.ipynb"]
    found = sorted(NOTEBOOK_DIR.glob("*.ipynb"), key=lambda p: (order.index(p.name) if p.name in order else 99, p.name))
    return found


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=nbrun.REPO / "output")
    ap.add_argument("notebooks", nargs="*", type=Path)
    args = ap.parse_args()
    out = args.out.resolve()
    if (out / "fb_conf.json").exists():
        print(f"note: {out / 'fb_conf.json'} exists, so the notebooks use that account, not the demo")
    failed = 0
    with sim.emulator() as url:
        print(f"emulator: {url}")
        for nb in args.notebooks or default_notebooks():
            print(f"running {nb.name} ...", flush=True)
            r = nbrun.execute(nb, out, env=nbrun.demo_env())
            print(nbrun.describe(r), flush=True)
            failed += not r.ok
    print(f"\nOutput folder: {out}")
    for f in sorted(out.iterdir()):
        if f.suffix in {".ipynb", ".csv", ".svg"}:
            print(f"  {f.name}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
