#!/usr/bin/env bash
# One-command setup for the notebooks. Installs only what is missing, so it is cheap to re-run:
#   1. Rust >= 1.95 (evcxr 0.22 needs it); via rustup only when no cargo is found at all
#   2. the rust-src component (evcxr's type inference reads the std sources)
#   3. mold, a fast linker evcxr uses automatically (apt-get, only when root)
#   4. the project's kernel: evcxr_jupyter 0.22.0 with a patched evcxr, built from the registry's
#      source into .evcxr/kernel (scripts/build_kernel.sh; about 10 minutes the first time).
#      A user's own ~/.cargo/bin/evcxr_jupyter and Jupyter kernels are left alone.
#   5. Jupyter in .venv, pinned by requirements.txt (skipped with FITBIT_SYSTEM_PYTHON=1)
#   6. the project's kernelspec "rust" in .evcxr/jupyter (scripts/install_kernel.sh)
#   7. the emulator and gen_export, release build (target/release/fitbit_sim, gen_export: no
#      polars). The CLI is built by the test command, which compares the notebooks with it.
#   8. the notebooks' dependencies, pre-built into the persistent evcxr build dir
#      (scripts/warm_notebooks.py; minutes the first time, seconds after; FITBIT_SKIP_WARM=1 skips)
# Each step's time is printed at the end. make setup/demo/test, .ci/run and Binder's postBuild
# all run this same script.
. "$(dirname "$0")/lib.sh"
RUST_MIN_MINOR=95
APT_UPDATED=0

STEP_TIMES=()
step_start() { STEP_NAME="$1"; STEP_T0=$(date +%s.%N); }
step_end() {
  STEP_TIMES+=("$(awk -v n="$STEP_NAME" -v a="$STEP_T0" -v b="$(date +%s.%N)" 'BEGIN { printf "%-28s %7.1f s", n, b - a }')")
}

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif have sudo && sudo -n true 2>/dev/null; then sudo "$@"; else return 1; fi; }
apt_install() {
  have apt-get || return 1
  if [ "$APT_UPDATED" = 0 ]; then as_root apt-get update -qq || return 1; APT_UPDATED=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
}

# 1. Rust
step_start "1 Rust toolchain"
if ! have cargo; then
  [ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"
fi
if ! have cargo; then
  have curl || die "no Rust toolchain and no curl to install one: install Rust from https://rustup.rs"
  log "installing Rust 1.$RUST_MIN_MINOR with rustup (minimal profile + rust-src)"
  curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs |
    sh -s -- -y --profile minimal --default-toolchain "1.$RUST_MIN_MINOR.0" --component rust-src
  . "$HOME/.cargo/env"
fi
minor="$(rustc --version | sed -E 's/^rustc 1\.([0-9]+).*/\1/')"
[ "${minor:-0}" -ge "$RUST_MIN_MINOR" ] ||
  die "evcxr 0.22.0 needs Rust >= 1.$RUST_MIN_MINOR, found $(rustc --version): run 'rustup update stable'"
log "Rust: $(rustc --version)"
step_end

# 2. rust-src
step_start "2 rust-src"
src="$(rustc --print sysroot)/lib/rustlib/src/rust/library"
if [ -d "$src/core" ] || [ -d "${RUST_SRC_PATH:-/nonexistent}/core" ]; then
  log "rust-src: present"
elif have rustup; then
  log "rust-src: installing"
  rustup component add rust-src
else
  die "rust-src is missing and there is no rustup: install your distribution's rust-src package or set RUST_SRC_PATH"
fi
step_end

# 3. a fast linker
step_start "3 linker"
if have mold; then
  log "linker: mold"
elif apt_install mold >/dev/null 2>&1 && have mold; then
  log "linker: mold (installed)"
elif have ld.lld || have lld; then
  log "linker: lld"
else
  log "linker: system default (install mold to make every notebook cell link faster)"
fi
step_end

# 4. the project's kernel (patched evcxr_jupyter 0.22.0 in .evcxr/kernel)
step_start "4 kernel (patched evcxr)"
"$REPO/scripts/build_kernel.sh"
step_end

# 5. Jupyter
step_start "5 Jupyter"
if [ "${FITBIT_SYSTEM_PYTHON:-0}" = 1 ]; then
  "$(python_bin)" -c 'import nbclient, nbformat, jupyterlab' ||
    die "FITBIT_SYSTEM_PYTHON=1 but this Python lacks Jupyter: pip install -r requirements.txt"
  log "Jupyter: $(python_bin) (system)"
else
  venv="$REPO/.venv"
  if [ ! -x "$venv/bin/python" ]; then
    log "Jupyter: creating $venv"
    python3 -m venv "$venv" 2>/dev/null || {
      rm -rf "$venv"
      apt_install python3-venv >/dev/null || die "python3 -m venv failed: install python3-venv"
      python3 -m venv "$venv"
    }
  fi
  stamp="$venv/.requirements.sha256"
  want="$(sha256sum "$REPO/requirements.txt" | cut -d' ' -f1)"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    log "Jupyter: installing requirements.txt into .venv"
    "$venv/bin/python" -m pip install -q --upgrade pip
    "$venv/bin/python" -m pip install -q -r "$REPO/requirements.txt"
    echo "$want" > "$stamp"
  else
    log "Jupyter: .venv up to date"
  fi
fi
step_end

# 6. kernelspec
step_start "6 kernelspec"
"$REPO/scripts/install_kernel.sh"
step_end

# 7. emulator + gen_export (what the demo runs; no polars)
step_start "7 fitbit_sim + gen_export"
log "building fitbit_sim and gen_export (release)"
(cd "$REPO" && cargo build --release --locked -p fitbit_sim)
step_end
# 8. warm the notebook build dir
step_start "8 warm notebook build dir"
if [ "${FITBIT_SKIP_WARM:-0}" != 1 ]; then
  "$REPO/scripts/py.sh" "$REPO/scripts/warm_notebooks.py" ||
    log "warning: pre-building the notebook dependencies failed; the first notebook run will compile them"
fi
step_end
log "setup done; time per step:"
printf '    %s\n' "${STEP_TIMES[@]}" >&2
