#!/usr/bin/env bash
# Unit tests of the evcxr patch: evcxr 0.22.0's own library tests (among them the patch's tests in
# src/rust_analyzer.rs) on the patched source. Runs in a scratch copy outside this repository
# (cargo would take a crate inside it for a stray workspace member) with evcxr's published
# Cargo.lock, in target/kernel, so the kernel's release build of the dependencies is reused.
# Needs scripts/build_kernel.sh to have run (it unpacks and patches .evcxr/src/evcxr-0.22.0).
. "$(dirname "$0")/lib.sh"
src="$REPO/.evcxr/src/evcxr-0.22.0"
[ -f "$src/Cargo.lock" ] || die "$src is missing: run scripts/build_kernel.sh first"
scratch="$(mktemp -d "${TMPDIR:-/tmp}/evcxr-patch-test.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
cp -r "$src" "$scratch/evcxr"
log "evcxr library tests on the patched source (cargo test --release --lib)"
cd "$scratch/evcxr"
cargo test --release --locked --lib --target-dir "$REPO/target/kernel"
