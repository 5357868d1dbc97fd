# Notebooks: setup, demo, JupyterLab, tests, benchmark. Every target installs only what is missing.
#   make demo             install what is missing, run the notebooks on the emulator into output/
#   make lab              open JupyterLab on them (demo mode without notebooks/fb_conf.json)
#   make test             Rust tests + notebook tests (what CI runs)
#   make test-notebooks   execute the notebooks headless and check tables, plots, CSVs vs the CLI
#   make bench-notebooks  warm timings; `make bench-notebooks-cold` adds a cold run (minutes)
# FITBIT_SYSTEM_PYTHON=1 uses the Python on PATH instead of .venv (Binder, conda).
.PHONY: setup demo lab test test-rust test-store test-notebooks check-notebooks bench-notebooks bench-notebooks-cold

setup:
	scripts/setup.sh

demo:
	scripts/demo.sh

lab:
	scripts/lab.sh

# Everything CI runs: the Rust tests, then the notebooks (which need the setup).
test: test-rust test-store test-notebooks

test-rust:
	cargo test --workspace

check-notebooks:
	python3 scripts/check_notebooks_clean.py

# DuckDB and pyarrow read the store `fitbit sync` writes (needs the release CLI and .venv).
test-store: setup
	scripts/py.sh scripts/test_store_readers.py

test-notebooks: setup
	scripts/py.sh scripts/test_notebooks.py

bench-notebooks: setup
	scripts/bench_notebooks.sh --runs 2

bench-notebooks-cold: setup
	scripts/bench_notebooks.sh --cold
