"""Pre-build the notebooks' dependencies into the persistent evcxr build dir (setup's last step).

Executes a two-cell notebook with the notebooks' exact `:dep` line (as an absolute path, which
evcxr canonicalises to the same crate) and one call into fitbit_core. That compiles polars,
plotters, reqwest and fitbit_core with the same settings the notebooks use, without needing the
emulator. Minutes the first time on 2 cores, seconds afterwards.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
import nbrun  # noqa: E402


def main() -> int:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "rust", "display_name": "Rust", "language": "rust"}
    nb.cells = [
        nbformat.v4.new_code_cell(nbrun.dep_line()),
        nbformat.v4.new_code_cell(
            "let rows: usize = fitbit_core::polars::prelude::DataFrame::empty().height();\n"
            "format!(\"{} {rows}\", fitbit_core::Detail::OneSecond)"),
    ]
    with tempfile.TemporaryDirectory(prefix="nbwarm-") as tmp:
        path = Path(tmp) / "warm.ipynb"
        nbformat.write(nb, path)
        print("warming the notebook build dir (the first time compiles polars & co: minutes) ...", flush=True)
        r = nbrun.execute(path, Path(tmp) / "run")
        print(nbrun.describe(r))
    return 0 if r.ok else 1


if __name__ == "__main__":
    sys.exit(main())
