#!/usr/bin/env bash
# Run a Python script with the project's Jupyter Python (.venv, or the system one with
# FITBIT_SYSTEM_PYTHON=1) and the project's kernelspec on JUPYTER_PATH.
. "$(dirname "$0")/lib.sh"
py="$(python_bin)"
[ -x "$py" ] || die "$py not found: run 'make setup' first"
exec "$py" "$@"
