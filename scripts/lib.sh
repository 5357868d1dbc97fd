# Shared helpers for the scripts in this folder. Source it: . "$(dirname "$0")/lib.sh"
# Paths every script agrees on (all inside the repo, all git-ignored):
#   .venv/            Jupyter (pinned in requirements.txt), unless FITBIT_SYSTEM_PYTHON=1
#   .evcxr/jupyter/   the project's kernelspec "rust" (JUPYTER_PATH points here)
#   .evcxr/build/     persistent evcxr build dirs (EVCXR_TMPDIR slots)
#   output/           executed notebooks, CSVs, SVG plots
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export REPO
export JUPYTER_PATH="$REPO/.evcxr/jupyter"
export PATH="$HOME/.cargo/bin:$PATH"
BIN_DIR="${FITBIT_BIN_DIR:-${CARGO_TARGET_DIR:-$REPO/target}/release}"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
have() { command -v "$1" >/dev/null 2>&1; }

# The Python that has Jupyter: .venv unless told to use the one on PATH (Binder, conda).
python_bin() {
  if [ "${FITBIT_SYSTEM_PYTHON:-0}" = 1 ]; then
    command -v python3 || command -v python
  else
    echo "$REPO/.venv/bin/python"
  fi
}
