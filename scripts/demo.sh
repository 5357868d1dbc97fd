#!/usr/bin/env bash
# The demo in one command: install what is missing, start the emulator, execute the notebooks
# headless into output/ (executed notebooks, CSVs, SVG charts), stop the emulator.
# Then `make lab` opens them in JupyterLab.
. "$(dirname "$0")/lib.sh"
"$REPO/scripts/setup.sh"
exec "$REPO/scripts/py.sh" "$REPO/scripts/run_notebooks.py" --out "${FITBIT_OUTPUT:-$REPO/output}" "$@"
