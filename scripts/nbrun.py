"""Execute evcxr notebooks headless with nbclient and time them.

Used by demo (run_notebooks.py), tests (test_notebooks.py), the bench (bench_notebooks.py) and
Binder's postBuild, so all of them take the same path. The kernel is the project's kernelspec
"rust" (scripts/install_kernel.sh; JUPYTER_PATH must point at .evcxr/jupyter, lib.sh does that).

The notebook runs with its working directory set to the output folder, so the CSVs and SVGs it
writes "beside the notebook" land beside the executed copy. The notebooks' `:dep` line (`DEP_LINE`,
a path under `../fitbit_core`) resolves against that folder: `output/` sits at the repo root, next to
`fitbit_core/`; for a folder elsewhere (tests use a temporary one) a `fitbit_core` symlink is
placed beside it. evcxr canonicalises the path, so every run builds the same crate and shares
the warm build dir.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from check_notebooks_clean import DEP_LINE

REPO = Path(__file__).resolve().parent.parent
KERNEL = "rust"


def dep_line() -> str:
    """The notebooks' `:dep` line (DEP_LINE, checked by check_notebooks_clean) with this repo's
    absolute path, for cells run outside notebooks/; evcxr canonicalises both to the same crate."""
    return DEP_LINE.replace("../fitbit_core/dylib", str((REPO / "fitbit_core/dylib").resolve()))


# A cold first cell compiles polars, plotters, reqwest and fitbit_core: allow it time.
CELL_TIMEOUT = int(os.environ.get("NB_CELL_TIMEOUT", "3600"))
STARTUP_TIMEOUT = int(os.environ.get("NB_STARTUP_TIMEOUT", "600"))


@dataclass
class CellTiming:
    index: int
    seconds: float
    has_table: bool
    has_plot: bool
    source_head: str


@dataclass
class RunResult:
    notebook: Path
    executed: Path
    ok: bool
    error: str = ""
    seconds: float = 0.0
    first_table_seconds: float | None = None
    kernel_start_seconds: float | None = None   # launch until the first cell starts executing
    cells: list[CellTiming] = field(default_factory=list)
    nb: nbformat.NotebookNode | None = None


def _html_outputs(cell) -> list[str]:
    out = []
    for o in cell.get("outputs", []):
        data = o.get("data", {})
        if "text/html" in data:
            html = data["text/html"]
            out.append("".join(html) if isinstance(html, list) else html)
    return out


def has_table(cell) -> bool:
    return any("<table" in h for h in _html_outputs(cell))


def has_plot(cell) -> bool:
    return any("<svg" in h for h in _html_outputs(cell))


def _ts(value) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def demo_env() -> dict[str, str]:
    """Environment for demo/test runs: where the project's helper binaries are."""
    import sim
    return {"FITBIT_GEN_EXPORT": str(sim.bin_dir() / "gen_export")}


def link_crate(out_dir: Path) -> None:
    """Make `../fitbit_core` seen from `out_dir` be this repo's crate."""
    beside = out_dir.parent / "fitbit_core"
    target = REPO / "fitbit_core"
    if beside.resolve() == target.resolve():
        return
    if beside.is_symlink() or not beside.exists():
        beside.unlink(missing_ok=True)
        beside.symlink_to(target, target_is_directory=True)
    else:
        raise RuntimeError(f"{beside} exists and is not this repo's fitbit_core; pick another output folder")


def execute(notebook: Path, out_dir: Path, env: dict[str, str] | None = None,
            allow_errors: bool = False, on_cell_executed=None) -> RunResult:
    """Execute `notebook` with cwd = `out_dir`, save the executed copy there, return timings."""
    notebook = notebook.resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    out_dir = out_dir.resolve()
    link_crate(out_dir)
    nb = nbformat.read(notebook, as_version=4)
    saved_env = dict(os.environ)
    os.environ.update(env or {})
    client = NotebookClient(
        nb,
        kernel_name=KERNEL,
        timeout=CELL_TIMEOUT,
        startup_timeout=STARTUP_TIMEOUT,
        allow_errors=allow_errors,
        record_timing=True,
        resources={"metadata": {"path": str(out_dir)}},
    )
    if on_cell_executed is not None:
        # nbclient passes cell and cell_index; give the hook the notebook being run as well.
        client.on_cell_executed = lambda **kw: on_cell_executed(nb=nb, **kw)
    result = RunResult(notebook=notebook, executed=out_dir / notebook.name, ok=True)
    start = time.monotonic()
    start_wall = datetime.now().astimezone()
    try:
        client.execute()
    except CellExecutionError as e:
        result.ok = False
        result.error = str(e)
    except Exception as e:  # kernel died, timeout, ...
        result.ok = False
        result.error = f"{type(e).__name__}: {e}"
    finally:
        os.environ.clear()
        os.environ.update(saved_env)
    result.seconds = time.monotonic() - start
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        timing = cell.get("metadata", {}).get("execution", {})
        begin = _ts(timing.get("iopub.execute_input") or timing.get("shell.execute_reply.started"))
        end = _ts(timing.get("shell.execute_reply"))
        seconds = (end - begin).total_seconds() if begin and end else float("nan")
        if begin and result.kernel_start_seconds is None:
            result.kernel_start_seconds = (begin - start_wall).total_seconds()
        table = has_table(cell)
        if table and result.first_table_seconds is None and end:
            result.first_table_seconds = (end - start_wall).total_seconds()
        head = cell.source.strip().splitlines()[0][:60] if cell.source.strip() else ""
        result.cells.append(CellTiming(i, seconds, table, has_plot(cell), head))
        if not allow_errors:
            for o in cell.get("outputs", []):
                if o.get("output_type") == "error" and result.ok:
                    result.ok = False
                    result.error = f"cell {i}: {o.get('ename')}: {o.get('evalue')}"
    nbformat.write(nb, result.executed)
    result.nb = nb
    return result


def error_summary(error: str, max_lines: int = 6) -> str:
    """The informative tail of an nbclient error (it starts with the whole cell source)."""
    lines = [l for l in error.strip().splitlines() if l.strip() and not set(l.strip()) <= set("-")]
    return "\n         ".join(lines[-max_lines:]) if lines else "unknown error"


def describe(r: RunResult) -> str:
    first = f"{r.first_table_seconds:.1f} s" if r.first_table_seconds is not None else "none"
    ks = f"{r.kernel_start_seconds:.1f} s" if r.kernel_start_seconds is not None else "?"
    lines = [f"{r.notebook.name}: {'ok' if r.ok else 'FAILED'} in {r.seconds:.1f} s "
             f"(kernel start {ks}, first table after {first})"]
    for c in r.cells:
        marks = ("table " if c.has_table else "") + ("plot" if c.has_plot else "")
        lines.append(f"  cell {c.index:2d} {c.seconds:6.1f} s  {marks:11s} {c.source_head}")
    if not r.ok:
        lines.append("  error: " + error_summary(r.error))
    return "\n".join(lines)
