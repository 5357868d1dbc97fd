#!/usr/bin/env bash
# One-command setup for the notebooks. Installs only what is missing, so it is cheap to re-run:
#   1. Rust >= 1.95 (evcxr 0.22 needs it); via rustup only when no cargo is found at all
#   2. the rust-src component (evcxr's type inference reads the std sources)
#   3. mold, a fast linker evcxr uses automatically (apt-get, only when root)
#   4. evcxr_jupyter 0.22.0 (cargo install --locked; about 10 minutes the first time)
#   5. Jupyter in .venv, pinned by requirements.txt (skipped with FITBIT_SYSTEM_PYTHON=1)
#   6. the project's kernelspec "rust" in .evcxr/jupyter (scripts/install_kernel.sh)
#   7. the emulator and the CLI, release builds (target/release/fitbit_sim, fitbit)
#   8. the notebooks' dependencies, pre-built into the persistent evcxr build dir
#      (scripts/warm_notebooks.py; minutes the first time, seconds after; FITBIT_SKIP_WARM=1 skips)
# Binder's postBuild runs this same script.
. "$(dirname "$0")/lib.sh"
EVCXR_VERSION=0.22.0
RUST_MIN_MINOR=95
APT_UPDATED=0

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif have sudo && sudo -n true 2>/dev/null; then sudo "$@"; else return 1; fi; }
apt_install() {
  have apt-get || return 1
  if [ "$APT_UPDATED" = 0 ]; then as_root apt-get update -qq || return 1; APT_UPDATED=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
}

# 1. Rust
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
  die "evcxr $EVCXR_VERSION needs Rust >= 1.$RUST_MIN_MINOR, found $(rustc --version): run 'rustup update stable'"
log "Rust: $(rustc --version)"

# 2. rust-src
src="$(rustc --print sysroot)/lib/rustlib/src/rust/library"
if [ -d "$src/core" ] || [ -d "${RUST_SRC_PATH:-/nonexistent}/core" ]; then
  log "rust-src: present"
elif have rustup; then
  log "rust-src: installing"
  rustup component add rust-src
else
  die "rust-src is missing and there is no rustup: install your distribution's rust-src package or set RUST_SRC_PATH"
fi

# 3. a fast linker
if have mold; then
  log "linker: mold"
elif apt_install mold >/dev/null 2>&1 && have mold; then
  log "linker: mold (installed)"
elif have ld.lld || have lld; then
  log "linker: lld"
else
  log "linker: system default (install mold to make every notebook cell link faster)"
fi

# 4. evcxr_jupyter
if cargo install --list | grep "^evcxr_jupyter v$EVCXR_VERSION:" >/dev/null; then
  log "evcxr_jupyter $EVCXR_VERSION: present"
elif have evcxr_jupyter && [ "${FITBIT_ANY_EVCXR:-0}" = 1 ]; then
  log "evcxr_jupyter: using $(command -v evcxr_jupyter) (FITBIT_ANY_EVCXR=1)"
else
  log "evcxr_jupyter $EVCXR_VERSION: installing (cargo install --locked, about 10 minutes)"
  cargo install --locked "evcxr_jupyter@$EVCXR_VERSION"
fi

# 5. Jupyter
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

# 6. kernelspec
"$REPO/scripts/install_kernel.sh"

# 7. emulator + CLI
log "building fitbit_sim and fitbit (release)"
(cd "$REPO" && cargo build --release --locked -p fitbit_sim -p fitbit_cli)
# 8. warm the notebook build dir
if [ "${FITBIT_SKIP_WARM:-0}" != 1 ]; then
  "$REPO/scripts/py.sh" "$REPO/scripts/warm_notebooks.py" ||
    log "warning: pre-building the notebook dependencies failed; the first notebook run will compile them"
fi
log "setup done"
