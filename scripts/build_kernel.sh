#!/usr/bin/env bash
# Build and install the project's Jupyter kernel: evcxr_jupyter 0.22.0 with evcxr 0.22.0 patched
# by kernel/evcxr-direct-rustc.patch and kernel/evcxr-lazy-rust-analyzer.patch (kernel/README.md).
#
#   scripts/build_kernel.sh           patched kernel -> .evcxr/kernel/bin/evcxr_jupyter
#   scripts/build_kernel.sh --stock   unpatched evcxr 0.22.0, same lock and build dir
#                                     -> .evcxr/stock/bin/evcxr_jupyter (benchmark, fallback)
#
# evcxr's source comes from the Rust registry through cargo only: `cargo fetch` of the kernel's
# dependencies puts evcxr-0.22.0.crate into $CARGO_HOME/registry/cache; its SHA-256 is checked
# against the registry's checksum, it is unpacked into .evcxr/src (git-ignored) and patched there.
# Both variants build in target/kernel with kernel/Cargo.lock (--locked), so the second one only
# recompiles evcxr and evcxr_jupyter. A stamp skips everything when nothing changed.
. "$(dirname "$0")/lib.sh"
EVCXR_VERSION=0.22.0
# Checksum of evcxr-0.22.0.crate in the crates.io index (also in evcxr_jupyter 0.22.0's Cargo.lock).
EVCXR_SHA256=ee69caeeefc311959b85962458e370d8eccb165123edbc5270134aaee6d7ed80

variant=patched
case "${1:-}" in
  "") ;;
  --stock) variant=stock ;;
  *) die "usage: $0 [--stock]" ;;
esac

crate="$REPO/kernel"
# Independent patches against pristine evcxr 0.22.0, applied in this order (kernel/README.md).
# FITBIT_KERNEL_DIRECT_RUSTC=0 leaves the direct-rustc patch out (to measure what it adds).
patch_files=("$crate/evcxr-direct-rustc.patch" "$crate/evcxr-lazy-rust-analyzer.patch")
if [ "${FITBIT_KERNEL_DIRECT_RUSTC:-1}" = 0 ]; then
  patch_files=("$crate/evcxr-lazy-rust-analyzer.patch")
fi
src_root="$REPO/.evcxr/src"
target_dir="$REPO/target/kernel"
if [ "$variant" = patched ]; then
  install_root="$REPO/.evcxr/kernel"
  build_crate="$crate"
  evcxr_dir="$src_root/evcxr-$EVCXR_VERSION"          # where kernel/Cargo.toml's [patch] points
else
  install_root="$REPO/.evcxr/stock"
  build_crate="$src_root/stock-crate"
  evcxr_dir="$src_root/stock/evcxr-$EVCXR_VERSION"
fi
bin="$install_root/bin/evcxr_jupyter"

stamp_file="$install_root/.build-stamp"
stamp="$( { echo "$variant"; rustc -vV; cat "$crate/Cargo.toml" "$crate/Cargo.lock" "$crate/src/main.rs" "$0";
            if [ "$variant" = patched ]; then cat "${patch_files[@]}"; fi; } | sha256sum | cut -d' ' -f1)"
if [ -x "$bin" ] && [ "$(cat "$stamp_file" 2>/dev/null)" = "$stamp" ]; then
  log "kernel ($variant): $bin up to date"
  exit 0
fi

# 1. evcxr's registry source, via cargo. A manifest like the kernel's without the [patch] section
#    (cargo cannot read the kernel's manifest before the patched source exists), same lock.
fetch="$src_root/fetch"
mkdir -p "$fetch/src"
sed '/^\[patch\.crates-io\]/,/^\[/{/^\[workspace\]/!d}' "$crate/Cargo.toml" > "$fetch/Cargo.toml"
grep -q '^\[workspace\]' "$fetch/Cargo.toml" || echo '[workspace]' >> "$fetch/Cargo.toml"
cp "$crate/Cargo.lock" "$fetch/Cargo.lock"
cp "$crate/src/main.rs" "$fetch/src/main.rs"
log "kernel ($variant): cargo fetch (evcxr $EVCXR_VERSION and the kernel's dependencies)"
cargo fetch --quiet --manifest-path "$fetch/Cargo.toml"
cargo_home="${CARGO_HOME:-$HOME/.cargo}"
crate_file=""
for f in "$cargo_home"/registry/cache/*/"evcxr-$EVCXR_VERSION.crate"; do
  [ -f "$f" ] && [ "$(sha256sum "$f" | cut -d' ' -f1)" = "$EVCXR_SHA256" ] && { crate_file="$f"; break; }
done
[ -n "$crate_file" ] ||
  die "no evcxr-$EVCXR_VERSION.crate with SHA-256 $EVCXR_SHA256 under $cargo_home/registry/cache after cargo fetch"

# 2. unpack (fresh every time, so a changed patch applies to pristine source) and patch
rm -rf "$evcxr_dir"
mkdir -p "$(dirname "$evcxr_dir")"
tar -xzf "$crate_file" -C "$(dirname "$evcxr_dir")"
[ -f "$evcxr_dir/src/rust_analyzer.rs" ] || die "unexpected layout of $crate_file"
if [ "$variant" = patched ]; then
  for patch_file in "${patch_files[@]}"; do
    log "kernel: applying $(basename "$patch_file")"
    if have patch; then
      patch --quiet --batch --forward -p1 -d "$evcxr_dir" < "$patch_file"
    else  # git apply outside any repository (the work tree is one, so stop the search above it)
      (cd "$evcxr_dir" && GIT_CEILING_DIRECTORIES="$(dirname "$evcxr_dir")" git apply -p1 "$patch_file")
    fi
  done
else
  # The same crate with [patch] pointing at the unpatched source: identical Cargo.lock.
  mkdir -p "$build_crate/src"
  sed "s|^evcxr = { path = \"../.evcxr/src/evcxr-$EVCXR_VERSION\" }|evcxr = { path = \"../stock/evcxr-$EVCXR_VERSION\" }|" \
    "$crate/Cargo.toml" > "$build_crate/Cargo.toml"
  grep -q "stock/evcxr-$EVCXR_VERSION" "$build_crate/Cargo.toml" || die "could not point the stock crate at the unpatched source"
  cp "$crate/Cargo.lock" "$build_crate/Cargo.lock"
  cp "$crate/src/main.rs" "$build_crate/src/main.rs"
fi

# 3. build and install into the project (never into ~/.cargo/bin)
log "kernel ($variant): cargo install --locked --path ${build_crate#"$REPO"/} --root ${install_root#"$REPO"/} (the first time about 10 minutes on 2 cores)"
start=$(date +%s)
cargo install --quiet --locked --force --path "$build_crate" --root "$install_root" --target-dir "$target_dir"
echo "$stamp" > "$stamp_file"
log "kernel ($variant): installed $bin in $(( $(date +%s) - start )) s"
