"""Fail when a committed notebook carries outputs, execution counts or anything token-like, or
does not load fitbit_core with the notebooks' one `:dep` line.

    python scripts/check_notebooks_clean.py [notebooks/*.ipynb]

Checks every notebook in notebooks/ by default. Exit status 1 and one line per problem when
something is wrong. To clean a notebook: in JupyterLab "Edit > Clear Outputs of All Cells",
then save; or `jupyter nbconvert --clear-output --inplace notebooks/X.ipynb`.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# Every notebook's first code line: fitbit_core as one shared library, so each cell links in a
# fraction of a second and every notebook shares one build (fitbit_core/dylib/Cargo.toml says why).
DEP_LINE = ':dep fitbit_core = { package = "fitbit_core_dylib", path = "../fitbit_core/dylib" }'

# What real credentials look like: JWTs / Google ID tokens, Google access and refresh tokens,
# Google client secrets, and long hex strings (Fitbit-style secrets, hashes of secrets).
TOKEN_PATTERNS = {
    "JWT-like token (eyJ...)": re.compile(r"eyJ[A-Za-z0-9_-]{8,}"),
    "Google access token (ya29.)": re.compile(r"ya29\.[A-Za-z0-9_.-]{8,}"),
    "Google refresh token (1//)": re.compile(r"\b1//0[A-Za-z0-9_-]{16,}"),
    "Google client secret (GOCSPX-)": re.compile(r"GOCSPX-[A-Za-z0-9_-]{8,}"),
    "long hex string": re.compile(r"\b[0-9a-fA-F]{32,}\b"),
}


def problems(path: Path) -> list[str]:
    out: list[str] = []
    text = path.read_text(encoding="utf-8")
    try:
        nb = json.loads(text)
    except json.JSONDecodeError as e:
        return [f"{path}: not valid JSON ({e})"]
    for i, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        if cell.get("outputs"):
            out.append(f"{path}: cell {i} has outputs (clear all outputs before committing)")
        if cell.get("execution_count") is not None:
            out.append(f"{path}: cell {i} has an execution count (clear all outputs before committing)")
        if cell.get("metadata", {}).get("execution"):
            out.append(f"{path}: cell {i} has execution timing metadata")
    code = [c for c in nb.get("cells", []) if c.get("cell_type") == "code"]
    first = "".join(code[0].get("source", [])).splitlines()[:1] if code else []
    if first != [DEP_LINE]:
        out.append(f"{path}: the first code cell must start with the line {DEP_LINE}")
    kernel = nb.get("metadata", {}).get("kernelspec", {}).get("name")
    if kernel != "rust":
        out.append(f"{path}: kernelspec is {kernel!r}, expected 'rust'")
    for name, pattern in TOKEN_PATTERNS.items():
        for m in pattern.finditer(text):
            line = text.count("\n", 0, m.start()) + 1
            out.append(f"{path}:{line}: looks like a secret ({name}): {m.group()[:6]}… remove it")
    return out


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv[1:]] or sorted((REPO / "notebooks").glob("*.ipynb"))
    if not paths:
        print("no notebooks found")
        return 1
    all_problems = [p for path in paths for p in problems(path)]
    for p in all_problems:
        print(p)
    print(f"clean check: {len(paths)} notebooks, {len(all_problems)} problems")
    return 1 if all_problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
