#!/usr/bin/env bash
# Install the project's Jupyter kernelspec "rust" into .evcxr/jupyter/kernels/rust.
# It is evcxr's own kernelspec (written by the project's evcxr_jupyter, .evcxr/kernel/bin, with
# `--install`) whose argv runs scripts/evcxr_kernel.sh, which picks the kernel binary and adds a
# persistent build dir and the project's evcxr settings.
# Jupyter finds it because every script exports JUPYTER_PATH=$REPO/.evcxr/jupyter; your own
# ~/.local/share/jupyter/kernels/rust is left untouched.
. "$(dirname "$0")/lib.sh"
kernel="$REPO/.evcxr/kernel/bin/evcxr_jupyter"
[ -x "$kernel" ] || die "$kernel is not installed; run scripts/build_kernel.sh (or scripts/setup.sh) first"
kdir="$JUPYTER_PATH/kernels/rust"
"$kernel" --install >/dev/null   # honours JUPYTER_PATH: writes logos, version.txt, kernel.json
cat > "$kdir/kernel.json" <<JSON
{
  "argv": ["$REPO/scripts/evcxr_kernel.sh", "--control_file", "{connection_file}"],
  "display_name": "Rust (fitbit_core)",
  "interrupt_mode": "message",
  "language": "rust"
}
JSON
log "kernelspec rust -> $kdir"
