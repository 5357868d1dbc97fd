// evcxr_jupyter's own main (evcxr_jupyter-0.22.0/src/main.rs), built against the patched evcxr.
fn main() -> anyhow::Result<()> {
    evcxr_jupyter::main()
}
