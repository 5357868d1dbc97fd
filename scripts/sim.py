"""Start and stop the local emulator (fitbit_sim) for demos, tests and Binder.

    python scripts/sim.py start    # starts it unless something already answers; pid in .evcxr/sim.pid
    python scripts/sim.py stop     # stops the one *we* started (by pid), nothing else
    python scripts/sim.py env      # prints the environment that points clients at it
    python scripts/sim.py enroll N STUDY   # N of its accounts as a study: STUDY/cohort.csv, STUDY/configs/

From Python, `with emulator(): ...` does the same for the duration of a block.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

REPO = Path(__file__).resolve().parent.parent
STATE = REPO / ".evcxr"
PID_FILE = STATE / "sim.pid"


def log_file() -> Path:
    return STATE / f"sim-{urlparse(sim_url()).port}.log"


def sim_url() -> str:
    return os.environ.get("FITBIT_SIM_URL", "http://" + os.environ.get("FITBIT_SIM_ADDR", "127.0.0.1:8790"))


def accounts() -> str:
    """People the emulator serves: `FITBIT_SIM_ACCOUNTS`, default 6: the single-user demo signs
    in account 0, cohort.ipynb's demo study enrolls accounts 1-5 as its participants."""
    return os.environ.get("FITBIT_SIM_ACCOUNTS", "6")


def bin_dir() -> Path:
    if os.environ.get("FITBIT_BIN_DIR"):
        return Path(os.environ["FITBIT_BIN_DIR"])
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    return target / "release"


def client_env() -> dict[str, str]:
    """Environment that points the library, the CLI and the notebooks at the emulator."""
    url = sim_url().rstrip("/")
    return {
        "FITBIT_SIM_URL": url,
        "FITBIT_API_URL": url,
        "GOOGLE_HEALTH_API_URL": url,
        "GOOGLE_OAUTH_TOKEN_URL": url + "/token",
        "FITBIT_AUTHORIZE_URL": url + "/oauth2/authorize",
        "GOOGLE_OAUTH_AUTHORIZE_URL": url + "/o/oauth2/v2/auth",
    }


def answering(url: str | None = None, timeout: float = 0.5) -> bool:
    u = urlparse(url or sim_url())
    try:
        with socket.create_connection((u.hostname, u.port or 80), timeout=timeout):
            return True
    except OSError:
        return False


def start(wait: float = 30.0, args: tuple[str, ...] = ()) -> subprocess.Popen | None:
    """Start the emulator at FITBIT_SIM_URL unless one already answers there, with `args`
    (e.g. `("--accounts", "3")`) after its address.

    Returns the process we started, or None."""
    if answering():
        return None
    exe = bin_dir() / "fitbit_sim"
    if not exe.exists():
        sys.exit(f"error: {exe} not found: run `make setup` (cargo build --release -p fitbit_sim)")
    STATE.mkdir(exist_ok=True)
    addr = urlparse(sim_url()).netloc
    log_path = log_file()
    log = open(log_path, "w")
    if "--accounts" not in args:
        args = ("--accounts", accounts(), *args)
    proc = subprocess.Popen([str(exe), "--addr", addr, *args], stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"error: fitbit_sim exited with {proc.returncode}; see {log_path}")
        if "listening on" in log_path.read_text() and answering():
            return proc
        time.sleep(0.1)
    proc.terminate()
    sys.exit(f"error: fitbit_sim did not start within {wait:.0f} s; see {log_path}")


def stop_pid(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def emulator(private: bool = True, args: tuple[str, ...] = ()):
    """Run a block with the emulator up and the client env set.

    private: start our own emulator on a free port (unless FITBIT_SIM_URL is set explicitly), so
    a test never talks to some other emulator that happens to listen on the default port.
    Otherwise reuse whatever answers at FITBIT_SIM_URL, starting one only if nothing does.
    args: the emulator's switches when we start it (see `fitbit_sim --help`).
    """
    saved = dict(os.environ)
    if private and "FITBIT_SIM_URL" not in os.environ:
        os.environ["FITBIT_SIM_URL"] = f"http://127.0.0.1:{free_port()}"
    try:
        proc = start(args=args)
    except BaseException:
        os.environ.clear()
        os.environ.update(saved)
        raise
    os.environ.update(client_env())
    try:
        yield sim_url()
    finally:
        os.environ.clear()
        os.environ.update(saved)
        if proc is not None:
            proc.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=10)


# The emulator's Google demo client (fitbit_sim's SimConfig::demo_clients) and the scopes a
# sync needs (heart rate and HRV, the time zone).
DEMO_GOOGLE_CLIENT = ("demo.apps.googleusercontent.com", "demo-google-secret")
SYNC_SCOPES = ("https://www.googleapis.com/auth/googlehealth.health_metrics_and_measurements.readonly "
               "https://www.googleapis.com/auth/googlehealth.settings.readonly")


def participant_id(k: int, width: int = 4) -> str:
    """The study's pseudonym of emulator account `k`: P0001, P0002, …"""
    return f"P{k + 1:0{width}d}"


def enroll(study: Path, participants: int, url: str | None = None, first: int = 0) -> Path:
    """Enroll emulator accounts `first`..`first + participants - 1` into a study folder, as if
    each had consented: a token pair from `POST /_sim/tokens` per account goes into
    `study/configs/<id>.json` (mode 0600, `"user": <id>`), and `study/cohort.csv` lists them
    (appended to when it exists). Returns the cohort file. The e-mail addresses stay in the
    emulator: nothing here names an account."""
    base = (url or sim_url()).rstrip("/")
    configs = study / "configs"
    configs.mkdir(parents=True, exist_ok=True)
    cohort = study / "cohort.csv"
    new = not cohort.exists()
    width = max(4, len(str(first + participants)))
    lines = []
    client_id, secret = DEMO_GOOGLE_CLIENT
    for k in range(first, first + participants):
        q = urllib.parse.urlencode({"account": k, "provider": "google", "client_id": client_id,
                                    "scope": SYNC_SCOPES})
        with urllib.request.urlopen(urllib.request.Request(f"{base}/_sim/tokens?{q}", method="POST"),
                                    timeout=30) as r:
            tok = json.load(r)
        pid = participant_id(k, width)
        expires = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=int(tok["expires_in"]) - 60)
        conf = {"client_id": client_id, "client_secret": secret, "provider": "google",
                "access_token": tok["access_token"], "refresh_token": tok["refresh_token"],
                "expires_at": expires.replace(microsecond=0).isoformat().replace("+00:00", "Z"),
                "scope": tok["scope"], "user": pid}
        path = configs / f"{pid}.json"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            json.dump(conf, f, indent=2)
        lines.append(f"{pid},configs/{pid}.json\n")
    with open(cohort, "a") as f:
        if new:
            f.write("participant,config\n")
        f.writelines(lines)
    return cohort


def main(argv: list[str]) -> int:
    cmd = argv[1] if len(argv) > 1 else "status"
    if cmd == "start":
        proc = start()
        if proc is not None:
            PID_FILE.write_text(str(proc.pid))
        print(f"fitbit_sim {'started' if proc else 'already running'} at {sim_url()}")
    elif cmd == "stop":
        if PID_FILE.exists():
            stop_pid(int(PID_FILE.read_text().strip()))
            PID_FILE.unlink()
            print("fitbit_sim stopped")
    elif cmd == "enroll":
        if len(argv) != 4 or not argv[2].isdigit():
            print("usage: python scripts/sim.py enroll N STUDY_DIR  (the emulator at FITBIT_SIM_URL "
                  "must serve at least N accounts: fitbit_sim --accounts N)", file=sys.stderr)
            return 2
        print(f"Enrolled {argv[2]} participants: {enroll(Path(argv[3]), int(argv[2]))}")
    elif cmd == "env":
        for k, v in client_env().items():
            print(f"export {k}={v}")
    else:
        print(f"fitbit_sim at {sim_url()}: {'up' if answering() else 'down'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
