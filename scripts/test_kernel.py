"""Kernel tests: drive the project's kernel (kernelspec "rust") through jupyter_client.

    python scripts/test_kernel.py

The kernel is the patched evcxr_jupyter (kernel/README.md): it answers variable types from the
written annotations and loads rust-analyzer's workspace only when a cell needs it. These checks
show that nothing a user sees changed:
  * the cells run in the patched binary (.evcxr/kernel/bin/evcxr_jupyter; with
    FITBIT_STOCK_KERNEL=1 the same checks run on stock evcxr),
  * annotated variables persist across cells, mutable ones stay mutable,
  * an unannotated `let v = vec![1u8]` still gets its type (`Vec<u8>`, from rust-analyzer) and
    persists, also right after `:dep` (the deferred workspace load),
  * Tab completion after `fitbit_core::` returns the crate's modules,
  * Shift-Tab inspection shows documentation,
  * later cells run the rustc command cargo used (without cargo), and a changed Cargo.toml
    (`:dep`) or a dependency whose source changed goes through cargo again,
  * a cell that fails to compile reports the compiler's error, and the variables survive it.
Uses the warmed build dir (slot 0) like the notebooks. Last line: `kernel: N passed, M failed`.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

from jupyter_client.manager import start_new_kernel

sys.path.insert(0, str(Path(__file__).resolve().parent))
import nbrun  # noqa: E402

TIMEOUT = int(os.environ.get("NB_CELL_TIMEOUT", "1800"))


class Cell:
    def __init__(self, reply: dict, outputs: list[dict], streams: list[str], errors: list[dict], seconds: float):
        self.status = reply["content"]["status"]
        self.outputs, self.streams, self.errors, self.seconds = outputs, streams, errors, seconds

    def plain(self) -> str:
        return "\n".join(o.get("text/plain", "") for o in self.outputs)

    def html(self) -> str:
        return "\n".join(o.get("text/html", "") for o in self.outputs)

    def error_text(self) -> str:
        parts = []
        for e in self.errors:
            parts += [e.get("ename", ""), e.get("evalue", ""), *e.get("traceback", [])]
        return "\n".join(parts + self.streams)

    def __repr__(self) -> str:
        return (f"status={self.status} plain={self.plain()!r} streams={''.join(self.streams)[-300:]!r} "
                f"errors={self.error_text()[-500:]!r}")


def run(kc, code: str) -> Cell:
    outputs, streams, errors = [], [], []

    def hook(msg):
        t, c = msg["msg_type"], msg["content"]
        if t in ("execute_result", "display_data"):
            outputs.append(c["data"])
        elif t == "stream":
            streams.append(c["text"])
        elif t == "error":
            errors.append(c)

    start = time.monotonic()
    reply = kc.execute_interactive(code, timeout=TIMEOUT, output_hook=hook, allow_stdin=False)
    return Cell(reply, outputs, streams, errors, time.monotonic() - start)


def main() -> int:
    results: list[tuple[str, bool, str]] = []

    def check(name: str, ok: bool, detail: object = "") -> None:
        results.append((name, ok, str(detail)))
        print(f"  {'ok  ' if ok else 'FAIL'} {name}" + ("" if ok else f"\n       {detail}"), flush=True)

    stock = os.environ.get("FITBIT_STOCK_KERNEL") == "1"
    with tempfile.TemporaryDirectory(prefix="kerneltest-") as tmp:
        t0 = time.monotonic()
        km, kc = start_new_kernel(kernel_name=nbrun.KERNEL, startup_timeout=nbrun.STARTUP_TIMEOUT, cwd=tmp)
        print(f"kernel started in {time.monotonic() - t0:.1f} s ({'stock' if stock else 'patched'} evcxr)")
        try:
            c = run(kc, "std::env::current_exe().unwrap().display().to_string()")
            want = ".evcxr/stock/bin/evcxr_jupyter" if stock else ".evcxr/kernel/bin/evcxr_jupyter"
            check(f"cells run in {want}", c.status == "ok" and (want in c.plain() or (stock and "evcxr_jupyter" in c.plain())), c)

            c = run(kc, nbrun.dep_line() + "\n"
                        "use fitbit_core::polars::prelude::DataFrame;")
            check(":dep fitbit_core loads", c.status == "ok", c)
            print(f"    (:dep cell {c.seconds:.1f} s)")

            c = run(kc, 'let a: u32 = 41;\nlet mut name: String = String::from("fit");\n'
                        "let frame: DataFrame = DataFrame::empty();\nlet _ = 5;")
            check("annotated lets run", c.status == "ok", c)
            print(f"    (annotated cell {c.seconds:.1f} s)")
            c = run(kc, 'name.push_str("bit");\nformat!("{} {} {}", a + 1, name, frame.height())')
            check("annotated variables persist across cells (and `mut` stays mutable)",
                  c.status == "ok" and c.plain() == '"42 fitbit 0"', c)

            c = run(kc, "let v = vec![1u8];")
            check("an unannotated `let v = vec![1u8]` runs", c.status == "ok", c)
            print(f"    (first unannotated let after :dep {c.seconds:.1f} s: the deferred workspace load)")
            c = run(kc, "v.len() + v[0] as usize")
            check("the unannotated variable persists", c.status == "ok" and c.plain() == "2", c)
            c = run(kc, ":vars")
            text = c.plain() + c.html()
            check("its type was inferred: `:vars` lists v as Vec<u8>",
                  c.status == "ok" and any("v" in line and "Vec<u8>" in line and "&" not in line
                                           for line in text.splitlines()), text[-500:])

            code = "fitbit_core::"
            t = time.monotonic()
            reply = kc.complete(code, len(code), reply=True, timeout=TIMEOUT)["content"]
            matches = reply.get("matches", [])
            print(f"    (completion {time.monotonic() - t:.1f} s, {len(matches)} items)")
            check("Tab completion after `fitbit_core::` returns the crate's modules",
                  reply.get("status") == "ok" and {"table", "plot", "display"} <= {m.removesuffix("::") for m in matches},
                  matches[:20])

            code = "fitbit_core::table::hr_intraday"
            reply = kc.inspect(code, len(code), detail_level=0, reply=True, timeout=TIMEOUT)["content"]
            doc = reply.get("data", {}).get("text/plain", "")
            check("Shift-Tab inspection shows documentation",
                  reply.get("status") == "ok" and reply.get("found", False) and "hr_intraday" in doc
                  and "No documentation found" not in doc, reply)

            # Cells after the first are compiled by running the rustc command cargo used for the cell
            # crate (evcxr-direct-rustc.patch); cargo records it again only when it builds. A changed
            # Cargo.toml (`:dep`) or a changed dependency goes through cargo again.
            if not stock and os.environ.get("FITBIT_KERNEL_DIRECT_RUSTC", "1") != "0":
                record = "std::fs::metadata(std::path::Path::new(&std::env::var(\"EVCXR_TMPDIR\").unwrap())" \
                         ".join(\".evcxr-rustc-command.json\")).and_then(|m| m.modified()).map(|t| format!(\"{t:?}\"))" \
                         ".unwrap_or_default()"
                before = run(kc, record).plain()
                c = run(kc, 'let pkg: &str = env!("CARGO_PKG_NAME");\npkg.len()')
                after = run(kc, record).plain()
                check("later cells run rustc directly (cargo's record of the command is not rewritten),"
                      " with the variables cargo sets", before not in ("", '""') and before == after
                      and c.status == "ok" and c.plain() == "3", (before, after, c))
                dep = Path(tmp) / "kt_dep"
                (dep / "src").mkdir(parents=True)
                (dep / "Cargo.toml").write_text('[package]\nname = "kt_dep"\nversion = "0.1.0"\nedition = "2021"\n')
                (dep / "src/lib.rs").write_text("pub const VALUE: u32 = 1;\n")
                c = run(kc, f':dep kt_dep = {{ path = "{dep}" }}\nkt_dep::VALUE')
                check("`:dep` after direct cells goes through cargo", c.status == "ok" and c.plain() == "1"
                      and run(kc, record).plain() != after, c)
                run(kc, "kt_dep::VALUE + 1")
                time.sleep(1.1)  # a newer modification time than the compiled dependency
                (dep / "src/lib.rs").write_text("pub const VALUE: u32 = 2;\n")
                c = run(kc, "kt_dep::VALUE")
                check("a dependency whose source changed is rebuilt by cargo", c.status == "ok" and c.plain() == "2", c)

            c = run(kc, 'let bad: u32 = "text";')
            check("a cell that fails to compile reports the compiler's error",
                  c.status == "error" and "mismatched types" in c.error_text(), c)
            c = run(kc, "format!(\"{a} {name}\")")
            check("variables survive the failed cell", c.status == "ok" and c.plain() == '"41 fitbit"', c)
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)
    passed = sum(ok for _, ok, _ in results)
    failed = len(results) - passed
    print(f"kernel: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
