#!/usr/bin/env bash
# Cold and warm timings of the notebooks; see scripts/bench_notebooks.py for the options.
. "$(dirname "$0")/lib.sh"
exec "$(python_bin)" "$REPO/scripts/bench_notebooks.py" "$@"
