"""Notebook tests: execute every notebook headless on the emulator and check what it produced.

    python scripts/test_notebooks.py [--keep DIR] [notebooks/x.ipynb ...]

A notebook fails when
  * the committed file carries outputs, execution counts or something token-like
    (scripts/check_notebooks_clean.py),
  * a cell errors (compile error, panic, timeout, or a `?` error, which evcxr reports only
    as stderr text), or shows a stray `()` result,
  * its output does not start by saying the data is synthetic (demo mode),
  * an expected table (text/html <table>) or plot (<svg>) output is missing,
  * a CSV it should write is missing, or (get_heart_rate, read through a store here) differs
    from the CSV the `fitbit` CLI writes for the same day and range,
  * (history) its daily band, resting HR, HRV and coverage tables disagree with its store read
    by DuckDB; (cohort) a participant is missing, or the summary disagrees with the store,
  * an output shows a token or secret of a config the run used, or an e-mail address.
Last line: `notebooks: N passed, M failed`; exit status 1 if any failed.
Environment: NB_TEST_DATE (default 2026-09-25) is the day; the range is the 7 days ending there.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import check_notebooks_clean  # noqa: E402
import nbrun  # noqa: E402
import run_notebooks  # noqa: E402
import sim  # noqa: E402

DAY = date.fromisoformat(os.environ.get("NB_TEST_DATE", "2026-09-25"))
START = DAY - timedelta(days=6)


def text_outputs(nb) -> list[str]:
    out = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            if o.get("output_type") == "stream":
                out.append(o.get("text", ""))
            for mime in ("text/plain", "text/html"):
                if mime in o.get("data", {}):
                    out.append(o["data"][mime])
    return out


def count(nb, pred) -> int:
    return sum(1 for c in nb.cells if c.cell_type == "code" and pred(c))


def run_cli(out: Path) -> list[str]:
    """Write the CLI's CSVs for the same day/range into `out`; returns problems."""
    exe = sim.bin_dir() / "fitbit"
    if not exe.exists():
        return [f"{exe} not found: run `make setup`"]
    problems = []
    cmds = [
        # one CSV per day of the range (only DAY's is compared) + resting HR for the range
        ["--demo", "heart-rate", "--date", START.isoformat(), "--end", DAY.isoformat(), "--detail", "1sec",
         "--out", str(out)],
        ["--demo", "hrv", "--start", START.isoformat(), "--end", DAY.isoformat(), "--intraday", "--out", str(out)],
    ]
    for args in cmds:
        p = subprocess.run([str(exe), *args], capture_output=True, text=True, timeout=600)
        if p.returncode != 0:
            problems.append(f"`fitbit {' '.join(args)}` failed ({p.returncode}): {p.stderr.strip()[-500:]}")
    return problems


def compare_dirs(nb_out: Path, cli_out: Path, skip=lambda name: False) -> tuple[list[str], set[str]]:
    """Every CSV the CLI wrote (except skipped ones) must exist beside the notebook, byte-equal."""
    problems, compared = [], set()
    cli_csvs = sorted(cli_out.glob("*.csv"))
    if not cli_csvs:
        problems.append("the CLI wrote no CSV files")
    for cli_csv in cli_csvs:
        if skip(cli_csv.name):
            continue
        mine = nb_out / cli_csv.name
        if not mine.exists():
            problems.append(f"the CLI wrote {cli_csv.name} but the notebook did not")
            continue
        compared.add(cli_csv.name)
        a = cli_csv.read_bytes().replace(b"\r\n", b"\n")
        b = mine.read_bytes().replace(b"\r\n", b"\n")
        if a != b:
            la, lb = a.decode(errors="replace").splitlines(), b.decode(errors="replace").splitlines()
            first = next((i for i, (x, y) in enumerate(zip(la, lb)) if x != y), min(len(la), len(lb)))
            problems.append(
                f"{cli_csv.name}: notebook and CLI differ ({len(lb)} vs {len(la)} lines; first difference "
                f"at line {first + 1}: notebook {lb[first] if first < len(lb) else '<end>'!r}, "
                f"CLI {la[first] if first < len(la) else '<end>'!r})")
    if compared:
        print(f"    same as the CLI: {', '.join(sorted(compared))}")
    return problems, compared


def compare_with_cli(nb_out: Path, cli_out: Path) -> list[str]:
    problems = run_cli(cli_out)
    day_csv = f"Fitbit_HR_{DAY}.csv"
    # The CLI writes intraday HR for every day of the range; the notebook fetches one day.
    more, compared = compare_dirs(nb_out, cli_out, skip=lambda n: n.startswith("Fitbit_HR_") and n != day_csv)
    problems += more
    if day_csv not in compared and not problems:
        problems.append(f"{day_csv} was not compared")
    return problems


def compare_import_with_cli(nb_out: Path, cli_out: Path) -> list[str]:
    export = nb_out / "demo_export"
    exe = sim.bin_dir() / "fitbit"
    if not export.exists():
        return ["the notebook did not generate demo_export/"]
    p = subprocess.run([str(exe), "import", str(export), "--out", str(cli_out)],
                       capture_output=True, text=True, timeout=600)
    if p.returncode != 0:
        return [f"`fitbit import` failed ({p.returncode}): {p.stderr.strip()[-500:]}"]
    return compare_dirs(nb_out, cli_out)[0]


HISTORY_DAYS = 60
HISTORY_START = DAY - timedelta(days=HISTORY_DAYS - 1)
COHORT_DAYS = 21
PARTICIPANTS = [f"P{k:02}" for k in range(1, 6)]
# Per notebook: settings beyond the common ones. get_heart_rate reads through a store here (the
# demo runs it straight from the API), so its CSVs are compared with the CLI's on that path.
NOTEBOOK_ENV = {
    "get_heart_rate": lambda out: {"FITBIT_STORE": str(out / "store")},
    "history": lambda out: {"FITBIT_HISTORY_END": DAY.isoformat(), "FITBIT_HISTORY_DAYS": str(HISTORY_DAYS)},
    "cohort": lambda out: {"FITBIT_COHORT_END": DAY.isoformat(), "FITBIT_COHORT_DAYS": str(COHORT_DAYS)},
}


def read_csv(path: Path) -> list[dict[str, str]]:
    import csv
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def secrets_shown(texts: list[str], out: Path) -> list[str]:
    """Tokens and secrets of every config the run used (the demo's, the demo study's) must not
    appear in any output, nor the emulator's e-mail addresses."""
    import json
    import tempfile as tf
    configs = [Path(tf.gettempdir()) / "fitbit_core_demo" / "fb_conf.demo-google.json",
               *sorted((out / "demo_study" / "configs").glob("*.json"))]
    secrets = set()
    for c in configs:
        if c.exists():
            cfg = json.loads(c.read_text())
            secrets |= {cfg.get(k) for k in ("access_token", "refresh_token", "client_secret")}
    secrets.discard(None)
    secrets.discard("")
    shown = "\n".join(texts)
    problems = [f"an output shows a secret from a config ({s[:4]}…)" for s in secrets if s in shown]
    if "@example.com" in shown:
        problems.append("an output shows an emulator account's e-mail address")
    return problems


def check_history(out: Path) -> list[str]:
    """The daily tables the notebook wrote agree with the store, read by DuckDB."""
    import duckdb
    problems = []
    span = f"{HISTORY_START}_{DAY}"
    band_csv = out / f"history_hr_band_{span}.csv"
    for f in [band_csv, out / f"history_resting_hr_{span}.csv", out / f"history_hrv_{span}.csv",
              out / f"history_coverage_{span}.csv"]:
        if not f.exists():
            problems.append(f"{f.name} was not written")
    store = out / "hr-store"
    if problems or not store.exists():
        return problems + ([] if store.exists() else ["the store hr-store/ was not created"])
    band = {r["date"]: r for r in read_csv(band_csv)}
    db = duckdb.connect()
    rows = db.sql(
        f"SELECT CAST(timestamp AS DATE)::VARCHAR AS d, min(heartrate), max(heartrate), count(*) "
        f"FROM read_parquet('{store}/heart_rate/**/*.parquet', hive_partitioning = true) "
        f"WHERE \"user\" = 'demo' GROUP BY ALL ORDER BY d").fetchall()
    in_range = [r for r in rows if HISTORY_START.isoformat() <= r[0] <= DAY.isoformat()]
    if len(in_range) < HISTORY_DAYS // 2:
        problems.append(f"the store has heart rate on {len(in_range)} of the {HISTORY_DAYS} days")
    if sorted(band) != [r[0] for r in in_range]:
        problems.append(f"the band's days ({len(band)}) are not the store's days with heart rate ({len(in_range)})")
    for d, lo, hi, n in in_range:
        b = band.get(d)
        if b and (float(b["min"]), float(b["max"]), int(b["samples"])) != (float(lo), float(hi), n):
            problems.append(f"{d}: band {b['min']}/{b['max']}/{b['samples']} but the store has {lo}/{hi}/{n}")
            break
    resting = read_csv(out / f"history_resting_hr_{span}.csv")
    stored_rest = db.sql(
        f"SELECT count(*) FROM read_parquet('{store}/resting_heart_rate/**/*.parquet', hive_partitioning = true) "
        f"WHERE date BETWEEN '{HISTORY_START}' AND '{DAY}'").fetchall()[0][0]
    if len(resting) != stored_rest or not any(r.get("resting_heart_rate_28d") for r in resting):
        problems.append(f"resting HR: {len(resting)} rows (store: {stored_rest}), 28-day mean present: "
                        f"{any(r.get('resting_heart_rate_28d') for r in resting)}")
    hrv = read_csv(out / f"history_hrv_{span}.csv")
    if not hrv or not any(r.get("daily_rmssd_7d") for r in hrv):
        problems.append("nightly HRV: no rows with a 7-day mean")
    coverage = read_csv(out / f"history_coverage_{span}.csv")
    if sorted(r["date"] for r in coverage) != sorted(band):
        problems.append("the coverage calendar's days are not the band's days")
    if not problems:
        print(f"    history: {len(band)} days, band, resting HR, HRV and coverage agree with the store (DuckDB)")
    return problems


def check_cohort(out: Path) -> list[str]:
    """The study: every participant synced; the summary agrees with the store (DuckDB); the
    status CSV names everyone and holds nothing private."""
    import duckdb
    problems = []
    store = out / "demo_study" / "store"
    summary_csv, status_csv = out / "cohort_summary.csv", out / "cohort_status.csv"
    for f in [summary_csv, status_csv, out / "cohort_coverage.svg"]:
        if not f.exists():
            problems.append(f"{f.name} was not written")
    if problems:
        return problems
    summary = {r["user"]: r for r in read_csv(summary_csv)}
    if sorted(summary) != PARTICIPANTS:
        problems.append(f"cohort_summary.csv has {sorted(summary)}, expected {PARTICIPANTS}")
    db = duckdb.connect()
    days = dict(db.sql(
        f"SELECT \"user\", count(DISTINCT date) FROM read_parquet('{store}/heart_rate/**/*.parquet', "
        f"hive_partitioning = true) GROUP BY ALL").fetchall())
    rest = dict(db.sql(
        f"SELECT \"user\", avg(resting_heart_rate) FROM read_parquet('{store}/resting_heart_rate/**/*.parquet', "
        f"hive_partitioning = true) GROUP BY ALL").fetchall())
    for p in PARTICIPANTS:
        row = summary.get(p, {})
        if days.get(p, 0) < COHORT_DAYS // 2 or str(days.get(p)) != row.get("hr_days"):
            problems.append(f"{p}: summary says {row.get('hr_days')} days of heart rate, the store has {days.get(p)}")
        if p in rest and abs(float(row.get("mean_resting_hr") or "nan") - rest[p]) > 1e-6:
            problems.append(f"{p}: summary mean resting HR {row.get('mean_resting_hr')}, the store {rest[p]:.3f}")
    status_text = status_csv.read_text()
    status = read_csv(status_csv)
    if sorted(r.get("participant", "") for r in status) != PARTICIPANTS:
        problems.append(f"cohort_status.csv rows: {[r.get('participant') for r in status]}")
    problems += [f"cohort_status.csv: {p.removeprefix('an output shows ')}"
                 for p in secrets_shown([status_text, summary_csv.read_text()], out)]
    if not problems:
        print(f"    cohort: {len(PARTICIPANTS)} participants synced; summary and status agree with the store (DuckDB)")
    return problems


DEMO_CLIENTS = {  # the emulator's built-in OAuth clients (fitbit_sim config)
    "google": {"client_id": "demo.apps.googleusercontent.com", "client_secret": "demo-google-secret",
               "access_token": "", "refresh_token": ""},
    "fitbit": {"client_id": "23DEMO", "client_secret": "demo-fitbit-secret",
               "access_token": "", "refresh_token": ""},
}


def authorize_round_trip(nb_path: Path, work: Path, env: dict[str, str], provider: str) -> list[str]:
    """update_token's section 4 for real, for one provider: begin, 'open' the URL, paste the
    redirect, then refresh and test-request with the new tokens. Runs the notebook's own cells
    (connect, authorize, paste, refresh, test request), with the address the emulator redirects
    to pasted in (Google's with `scope=https://…`, Fitbit's with `#_=_`)."""
    import html
    import json
    import re
    import urllib.error
    import urllib.parse
    import urllib.request

    import nbformat

    nb = nbformat.read(nb_path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]

    def find(marker: str):
        return next(c for c in code if marker in c.source)

    try:
        cells = [find("Client::open_or_demo"), find("NotebookAuth::begin"), find("pasted_url"),
                 find("ensure_token"), find("client.check()")]
    except StopIteration:
        return ["update_token: could not find the connect/authorize/paste/refresh/check cells"]
    nb.cells = [nbformat.from_dict(dict(c)) for c in cells]
    folder = work / f"authorize-{provider}"
    folder.mkdir(parents=True)
    config = folder / "fb_conf.json"
    config.write_text(json.dumps(DEMO_CLIENTS[provider]))
    variant = folder / "update_token_authorize.ipynb"
    nbformat.write(nb, variant)

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *a, **k):
            return None

    def follow_to_redirect(url: str) -> str:
        """Open the authorize page like a browser; on the emulator's "Choose an account" page
        (it serves several people) pick the first account; return where it redirects."""
        for _ in range(2):
            try:
                page = urllib.request.build_opener(NoRedirect).open(url, timeout=30).read().decode()
            except urllib.error.HTTPError as e:
                return e.headers.get("Location")
            m = re.search(r'class="account" href="([^"]+)"', page)
            if m is None:
                break
            url = urllib.parse.urljoin(url, html.unescape(m.group(1)))
        raise RuntimeError("the emulator's authorize page did not redirect")

    def paste_redirect(nb, cell, cell_index, **_):
        if "NotebookAuth::begin" not in cell.source:
            return
        text = "".join(o.get("text", "") for o in cell.outputs if o.get("output_type") == "stream")
        url = next((w for w in text.split() if w.startswith("http")), None)
        if url is None:
            raise RuntimeError(f"the authorize cell printed no address: {text!r}")
        location = follow_to_redirect(url)
        paste = nb.cells[cell_index + 1]
        if 'String::from("")' not in paste.source:
            raise RuntimeError('the paste cell has no `String::from("")` to paste into')
        paste.source = paste.source.replace('String::from("")', f"String::from({json.dumps(location)})", 1)

    r = nbrun.execute(variant, folder / "run", env=env | {"FITBIT_AUTHORIZE": "1", "FITBIT_CONFIG": str(config)},
                      on_cell_executed=paste_redirect)
    problems = []
    if not r.ok:
        return [f"authorize round trip ({provider}) failed: {nbrun.error_summary(r.error)}"]
    if os.environ.get("NB_TEST_VERBOSE"):
        print("\n".join(text_outputs(r.nb)))
    saved = json.loads(config.read_text())
    if not saved.get("refresh_token") or not saved.get("access_token"):
        problems.append(f"after authorizing with {provider}, fb_conf.json has no tokens")
    texts = "\n".join(text_outputs(r.nb))
    if "The request succeeded." not in texts:
        problems.append(f"authorize round trip ({provider}): no 'The request succeeded.'")
    for key in ("access_token", "refresh_token", "client_secret"):
        if saved.get(key) and saved[key] in texts:
            problems.append(f"the notebook output shows the {key}")
    if not problems:
        print(f"    {provider}: authorized from the notebook (URL, pasted redirect), refreshed, test request ok")
    return problems


def check(nb_path: Path, r: nbrun.RunResult, out: Path, cli_out: Path) -> list[str]:
    problems = []
    if not r.ok:
        problems.append(f"execution failed: {nbrun.error_summary(r.error)}")
    nb = r.nb
    if nb is None:
        return problems
    # evcxr reports a `?` error as stderr text with status "ok", so nbclient does not raise:
    # any stderr output from a cell is a failed cell here.
    for i, cell in enumerate(nb.cells):
        for o in cell.get("outputs", []):
            if o.get("output_type") == "stream" and o.get("name") == "stderr":
                problems.append(f"cell {i} reported an error: {o.get('text', '').strip()[:300]}")
    # A cell whose last expression is `()` (an `if` without `;`) shows a stray `Out[n]: ()`.
    for i, cell in enumerate(nb.cells):
        for o in cell.get("outputs", []):
            if o.get("output_type") == "execute_result" and o.get("data", {}).get("text/plain", "").strip() == "()":
                problems.append(f"cell {i} shows a stray `()` result")
    texts = text_outputs(nb)
    if not texts or "synthetic" not in texts[0].lower():
        problems.append("the first output does not say the data is synthetic (demo mode)")
    tables = count(nb, nbrun.has_table)
    plots = count(nb, nbrun.has_plot)
    name = nb_path.stem
    want_tables, want_plots = {"get_heart_rate": (4, 2), "import_export": (4, 3), "history": (3, 4),
                               "cohort": (2, 1)}.get(name, (0, 0))
    if tables < want_tables:
        problems.append(f"{tables} table outputs, expected {want_tables}")
    if plots < want_plots:
        problems.append(f"{plots} plot outputs, expected {want_plots}")
    if name == "update_token" and not any("The request succeeded." in t for t in texts):
        problems.append("no 'The request succeeded.' in the output")
    problems += secrets_shown(texts, out)
    if name == "get_heart_rate" and r.ok:
        for f in [f"Fitbit_HR_{DAY}.csv", f"Fitbit_HR_{DAY}.svg"]:
            if not (out / f).exists():
                problems.append(f"{f} was not written")
        # It ran through a store (FITBIT_STORE): the day must be there, then the CSVs match the CLI's.
        if not (out / "store" / "heart_rate" / "user=demo" / f"date={DAY}" / "part-0.parquet").exists():
            problems.append(f"FITBIT_STORE was set but the store holds no heart rate for {DAY}")
        problems += compare_with_cli(out, cli_out)
    if name == "history" and r.ok:
        problems += check_history(out)
    if name == "cohort" and r.ok:
        problems += check_cohort(out)
    if name == "import_export" and r.ok:
        if not list(out.glob("Fitbit_HR_*.csv")):
            problems.append("no Fitbit_HR_*.csv written from the export")
        problems += compare_import_with_cli(out, cli_out)
    return problems


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--keep", type=Path, help="keep executed notebooks and CSVs in this folder")
    ap.add_argument("notebooks", nargs="*", type=Path)
    args = ap.parse_args()
    notebooks = [p.resolve() for p in args.notebooks] or run_notebooks.default_notebooks()
    work = Path(tempfile.mkdtemp(prefix="nbtest-"))
    passed = failed = 0
    env = nbrun.demo_env() | {
        "FITBIT_DATE": DAY.isoformat(), "FITBIT_START": START.isoformat(), "FITBIT_END": DAY.isoformat(),
        "FITBIT_DETAIL": "1sec",
    }
    try:
        with sim.emulator() as url:
            print(f"emulator: {url}; day {DAY}, range {START}..{DAY}")
            for nb_path in notebooks:
                out = work / nb_path.stem
                cli_out = work / (nb_path.stem + "-cli")
                cli_out.mkdir(parents=True)
                problems = check_notebooks_clean.problems(nb_path)
                print(f"running {nb_path.name} ...", flush=True)
                r = nbrun.execute(nb_path, out, env=env | NOTEBOOK_ENV.get(nb_path.stem, lambda _: {})(out))
                print(nbrun.describe(r))
                problems += check(nb_path, r, out, cli_out)
                if nb_path.stem == "update_token" and r.ok:
                    for provider in DEMO_CLIENTS:
                        problems += authorize_round_trip(nb_path, work, env, provider)
                if problems:
                    failed += 1
                    print(f"FAIL {nb_path.name}")
                    for p in problems:
                        print(f"    - {p}")
                else:
                    passed += 1
                    print(f"ok   {nb_path.name}")
                if args.keep:
                    dest = args.keep / nb_path.stem
                    shutil.rmtree(dest, ignore_errors=True)
                    shutil.copytree(out, dest)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"notebooks: {passed} passed, {failed} failed")
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main())
