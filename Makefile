# Notebooks: setup, demo, JupyterLab, tests, benchmark. Every target installs only what is missing.
#   make demo             install what is missing, run the notebooks on the emulator into output/
#   make lab              open JupyterLab on them (demo mode without notebooks/fb_conf.json)
#   make test             Rust tests + kernel and notebook tests (what CI runs)
#   make test-store       DuckDB and pyarrow read a store `fitbit sync` wrote
#   make test-kernel      the evcxr patch's unit tests, then the patched kernel through jupyter_client
#   make test-notebooks   execute the notebooks headless and check tables, plots, CSVs vs the CLI
#   make kernel           (re)build the patched kernel into .evcxr/kernel (setup does this)
#   make bench-notebooks  warm timings, stock evcxr vs the patched kernel side by side;
#                         `make bench-notebooks-cold` adds a cold run (minutes)
# FITBIT_SYSTEM_PYTHON=1 uses the Python on PATH instead of .venv (Binder, conda).
.PHONY: setup demo lab kernel test test-rust test-kernel test-store test-notebooks check-notebooks cli bench-notebooks bench-notebooks-cold

setup:
	scripts/setup.sh

demo:
	scripts/demo.sh

lab:
	scripts/lab.sh

kernel:
	scripts/build_kernel.sh

# Everything CI runs: the Rust tests, the store's readers, then the kernel and the notebooks
# (which need the setup).
test: test-rust test-store test-kernel test-notebooks

test-rust:
	cargo test --workspace

check-notebooks:
	python3 scripts/check_notebooks_clean.py

# DuckDB and pyarrow read the store `fitbit sync` writes (needs the release CLI and .venv).
test-store: setup cli
	scripts/py.sh scripts/test_store_readers.py

# The CLI (release) is what the notebook tests compare the notebooks' CSVs with; the demo does not need it.
cli:
	cargo build --release --locked -p fitbit_cli

test-kernel: setup
	scripts/test_kernel_patch.sh
	scripts/py.sh scripts/test_kernel.py

test-notebooks: setup cli
	scripts/py.sh scripts/test_notebooks.py

# The stock kernel (.evcxr/stock) shares target/kernel with the patched one: only evcxr recompiles.
bench-notebooks: setup
	scripts/build_kernel.sh --stock
	scripts/bench_notebooks.sh --runs 2

bench-notebooks-cold: setup
	scripts/build_kernel.sh --stock
	scripts/bench_notebooks.sh --cold
