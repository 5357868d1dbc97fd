#!/usr/bin/env bash
# Jupyter kernel launcher for the project's notebooks (kernelspec "rust" installed by
# scripts/install_kernel.sh into .evcxr/jupyter). It starts evcxr_jupyter with:
#   - EVCXR_TMPDIR = a persistent build dir (~/.cache/fitbit-notebooks/<repo>/slotN), so compiled dependencies (polars, plotters, reqwest,
#     fitbit_core) survive kernel restarts. One build dir serves one kernel at a time, so each
#     running kernel takes the first free "slot" (flock); headless runs are sequential and always
#     get slot 0, the one the setup warmed.
#   - EVCXR_CONFIG_DIR = scripts/evcxr for slot 0 (optimisation level), scripts/evcxr-shared for
#     the others (adds evcxr's compilation cache so an empty build dir fills fast); see
#     scripts/evcxr/README.md.
#   - the kernel binary: the project's patched evcxr_jupyter in .evcxr/kernel (kernel/README.md);
#     FITBIT_STOCK_KERNEL=1 runs stock evcxr_jupyter 0.22.0 instead.
# Everything is overridable: EVCXR_BUILD_ROOT, EVCXR_TMPDIR, EVCXR_CONFIG_DIR, EVCXR_JUPYTER.
set -u
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"

# The kernel needs cargo/rustc on PATH (evcxr#140).
if ! command -v cargo >/dev/null 2>&1 && [ -f "$HOME/.cargo/env" ]; then
  . "$HOME/.cargo/env"
fi
export PATH="$HOME/.cargo/bin:$PATH"

# Each cell becomes a .so linked to the toolchain's libstd through a relative rpath, which rustc
# gets wrong for some build-dir locations (seen with ~/.cache/... : "dlopen failed"). Point the
# loader at the toolchain directly.
if sysroot="$(rustc --print sysroot 2>/dev/null)"; then
  host="$(rustc -vV | sed -n 's/^host: //p')"
  export LD_LIBRARY_PATH="$sysroot/lib/rustlib/$host/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi

config_dir="${EVCXR_CONFIG_DIR:-}"
slot=0
if [ -z "${EVCXR_TMPDIR:-}" ]; then
  # Outside the repo: a build dir inside the cargo workspace would be taken for a stray member.
  key="$(basename "$repo")-$(printf '%s' "$repo" | cksum | cut -d' ' -f1)"
  root="${EVCXR_BUILD_ROOT:-${XDG_CACHE_HOME:-$HOME/.cache}/fitbit-notebooks/$key}"
  mkdir -p "$root"
  if command -v flock >/dev/null 2>&1; then
    while [ "$slot" -lt 8 ]; do
      exec 9>"$root/slot$slot.lock"
      if flock -n 9; then break; fi
      exec 9>&-
      slot=$((slot + 1))
    done
  fi
  export EVCXR_TMPDIR="$root/slot$slot"
  mkdir -p "$EVCXR_TMPDIR"
  # Cells (evcxr's `ctx` crate) at opt-level 0, dependencies at `:opt` (scripts/evcxr/README.md).
  # In a parent of the build dir, since evcxr rewrites the build dir's own .cargo/config.toml.
  mkdir -p "$root/.cargo"
  cell_profile='# Written by scripts/evcxr_kernel.sh: compile notebook cells without optimisation.
[profile.dev.package.ctx]
opt-level = 0'
  [ "$(cat "$root/.cargo/config.toml" 2>/dev/null)" = "$cell_profile" ] ||
    printf '%s\n' "$cell_profile" > "$root/.cargo/config.toml"
fi
if [ -z "$config_dir" ]; then
  if [ "$slot" = 0 ]; then config_dir="$here/evcxr"; else config_dir="$here/evcxr-shared"; fi
fi
export EVCXR_CONFIG_DIR="$config_dir"

# Which evcxr_jupyter: the project's patched build (scripts/build_kernel.sh), or with
# FITBIT_STOCK_KERNEL=1 stock evcxr_jupyter 0.22.0 (.evcxr/stock, built by
# `scripts/build_kernel.sh --stock`, else the one on PATH). EVCXR_JUPYTER overrides both.
if [ -n "${EVCXR_JUPYTER:-}" ]; then
  kernel="$EVCXR_JUPYTER"
elif [ "${FITBIT_STOCK_KERNEL:-0}" = 1 ]; then
  kernel="$repo/.evcxr/stock/bin/evcxr_jupyter"
  [ -x "$kernel" ] || kernel="$(command -v evcxr_jupyter || true)"
  [ -n "$kernel" ] || { echo "FITBIT_STOCK_KERNEL=1: no stock evcxr_jupyter; run scripts/build_kernel.sh --stock" >&2; exit 1; }
else
  kernel="$repo/.evcxr/kernel/bin/evcxr_jupyter"
  [ -x "$kernel" ] || { echo "$kernel is missing: run 'make setup' (or FITBIT_STOCK_KERNEL=1 for stock evcxr)" >&2; exit 1; }
fi
exec "$kernel" "$@"
