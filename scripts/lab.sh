#!/usr/bin/env bash
# Open JupyterLab on the notebooks (the executed demo copies in output/ if `make demo` ran).
# Without notebooks/fb_conf.json the notebooks run in demo mode, so the emulator is started
# here and stopped when JupyterLab exits. Extra arguments go to `jupyter lab`.
. "$(dirname "$0")/lib.sh"
py="$(python_bin)"
[ -x "$py" ] || die "$py not found: run 'make setup' first"
export FITBIT_GEN_EXPORT="${FITBIT_GEN_EXPORT:-$BIN_DIR/gen_export}"
started=0
if [ ! -f "$REPO/notebooks/fb_conf.json" ]; then
  out="$("$py" "$REPO/scripts/sim.py" start)"
  echo "$out"
  case "$out" in *started*) started=1 ;; esac
fi
cleanup() { [ "$started" = 1 ] && "$py" "$REPO/scripts/sim.py" stop; }
trap cleanup EXIT
open="notebooks/get_heart_rate.ipynb"
[ -f "$REPO/output/get_heart_rate.ipynb" ] && open="output/get_heart_rate.ipynb"
extra=()
[ "$(id -u)" = 0 ] && extra+=(--allow-root)   # containers often run as root
cd "$REPO"
"$py" -m jupyter lab "${extra[@]}" --ServerApp.root_dir="$REPO" --ip="${LAB_IP:-127.0.0.1}" "$@" "$open"
