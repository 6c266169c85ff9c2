#!/usr/bin/env python3
"""One entry point for working on the package; needs only Python 3.10+ to start.

    python3 dev.py demo    install into .venv, then `dbt build` the bundled demo on an embedded DuckDB
                           (`demo --target postgres` / `--target spark` installs that adapter too)
    python3 dev.py test    install into .venv (with test extras), then lint (ruff, SQLFluff) and run the
                           whole test suite on every adapter: DuckDB, PostgreSQL, Spark (needs Java 17+ and PostgreSQL's
                           server binaries: initdb, pg_ctl; or a server named by IDR_PG_HOST)
    python3 dev.py bench   install into .venv (with test extras), then run the benchmark (see bench/)
    python3 dev.py report  install the report's needs into .venv, then write the graph health report of the
                           warehouse the demo built (target/graph_health_report.html; see idr_tools/report.py)

Extra arguments after `test` go to pytest (once per adapter), after `bench` to the benchmark, after
`report` to idr-report (--output, --target, --hash-values, ...).
With CI=true, `test` first installs Debian's chromium when no Chromium is on PATH (the report's browser test).
IDR_TEST_ADAPTERS (comma-separated, default duckdb,postgres,spark) chooses the adapters `test` runs;
tests run in parallel, one worker per core (IDR_TEST_WORKERS=1 for one; pytest's -n overrides both).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
ADAPTERS = ("duckdb", "postgres", "spark")
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")


def _install(requirements: str) -> None:
    """Create .venv and install `requirements` into it, unless it was installed from these same files."""
    if not PYTHON.exists():
        print(f"creating {VENV.name}/", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
        subprocess.run([PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True)
    digest = hashlib.sha256()
    for path in sorted(ROOT.glob("requirements*.txt")):
        digest.update(path.read_bytes())
    stamp = VENV / f".installed-{Path(requirements).stem}"
    if stamp.exists() and stamp.read_text() == digest.hexdigest():
        return
    print(f"installing {requirements} into {VENV.name}/", flush=True)
    subprocess.run([PYTHON, "-m", "pip", "install", "--quiet", "-r", ROOT / requirements], check=True)
    # the package's Python tooling (idr_tools: demo data, report), editable, without dependencies
    subprocess.run([PYTHON, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation", "-e", ROOT],
                   check=True)
    stamp.write_text(digest.hexdigest())


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("DBT_PROFILES_DIR", str(ROOT / "profiles"))
    env.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    return env


def _run(*command) -> int:
    return subprocess.run([str(c) for c in command], cwd=ROOT, env=_env()).returncode


def demo(args: list[str]) -> int:
    target = next((a.split("=", 1)[1] for a in args if a.startswith("--target=")), None)
    if "--target" in args[:-1]:
        target = args[args.index("--target") + 1]
    _install(f"requirements-{target}.txt" if target in ("postgres", "spark") else "requirements.txt")
    return _run(BIN / "dbt", "build", *args)


def test(args: list[str]) -> int:
    _install("requirements-dev.txt")
    adapters = [a.strip() for a in os.environ.get("IDR_TEST_ADAPTERS", ",".join(ADAPTERS)).split(",") if a.strip()]
    unknown = sorted(set(adapters) - set(ADAPTERS))
    if unknown or not adapters:
        print(f"IDR_TEST_ADAPTERS: unknown adapter(s) {unknown}; choose from {', '.join(ADAPTERS)}")
        return 2
    if os.environ.get("CI") == "true":
        _install_chromium()
    status = _run(PYTHON, "-m", "ruff", "check", "dev.py", "idr_tools", "tests", "bench")
    if status != 0:
        return status
    statuses = {}
    with tempfile.TemporaryDirectory(prefix="idr-sqlfluff-") as scratch:
        # SQLFluff runs beside the first adapter's tests (it needs one core for about two minutes)
        lint = _start_sqlfluff(Path(scratch))
        if lint is None:
            statuses["sqlfluff"] = 1
        for adapter in adapters:
            print(f"\n=== pytest --adapter={adapter}", flush=True)
            # one token: with no path given, pytest would take a separate value for a path and not load
            # tests/python/conftest.py, which defines --adapter
            statuses[adapter] = _run(PYTHON, "-m", "pytest", f"--adapter={adapter}", *_workers(args),
                                     *_durations(args), *args)
            if lint is not None:
                statuses["sqlfluff"] = _finish_sqlfluff(lint, Path(scratch))
                lint = None
    print("\n" + "\n".join(f"{name}: {'passed' if s == 0 else f'FAILED (exit {s})'}"
                            for name, s in statuses.items()))
    return next((s for s in statuses.values() if s != 0), 0)


def _start_sqlfluff(scratch: Path) -> subprocess.Popen | None:
    """Seed a throwaway DuckDB file (the dbt templater compiles the staging models, which read the raw
    tables' columns), then start `sqlfluff lint` on every model and data test, output to a file."""
    env = {**_env(), "IDR_DUCKDB_PATH": str(scratch / "lint.duckdb")}
    seeded = subprocess.run([str(BIN / "dbt"), "seed", "--quiet", "--target-path", str(scratch / "target"),
                             "--log-path", str(scratch / "logs")], cwd=ROOT, env=env)
    if seeded.returncode != 0:
        print("sqlfluff: could not seed the DuckDB file its templater compiles against", flush=True)
        return None
    log = open(scratch / "sqlfluff.log", "w")  # noqa: SIM115 - closed by _finish_sqlfluff
    return subprocess.Popen([str(BIN / "sqlfluff"), "lint", "models", "tests/singular", "tests/generic",
                             "--processes", "1", "--disable-progress-bar"], cwd=ROOT, env=env, stdout=log,
                            stderr=subprocess.STDOUT)


def _finish_sqlfluff(lint: subprocess.Popen, scratch: Path) -> int:
    status = lint.wait()
    print("\n=== sqlfluff lint models tests/singular tests/generic", flush=True)
    print((scratch / "sqlfluff.log").read_text()[-20000:], flush=True)
    return status


def _workers(args: list[str]) -> list[str]:
    """pytest-xdist: one worker per core (IDR_TEST_WORKERS overrides), each taking whole modules (their
    fixtures build one project per module) in the suite's order, longest first (conftest.py); none when
    the arguments choose (-n / -p no:xdist)."""
    if any(a.startswith(("-n", "--numprocesses")) for a in args) or "no:xdist" in args:
        return []
    return ["-n", os.environ.get("IDR_TEST_WORKERS", "auto"), "--dist", "loadfile", "--no-loadscope-reorder"]


def _durations(args: list[str]) -> list[str]:
    """The slowest tests of each pass, listed at its end (where the suite's time goes); none when the
    arguments choose (--durations)."""
    return [] if any(a.startswith("--durations") for a in args) else ["--durations=15"]


def _install_chromium() -> None:
    """CI: the report test opens the report in headless Chromium; install Debian's package if missing."""
    if any(shutil.which(name) for name in ("chromium", "chromium-browser", "google-chrome")):
        return
    if not shutil.which("apt-get"):
        print("no chromium and no apt-get: the report's browser test will be skipped", flush=True)
        return
    print("installing chromium (apt-get) for the report's browser test", flush=True)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    sudo = [] if not hasattr(os, "geteuid") or os.geteuid() == 0 else ["sudo"]
    subprocess.run([*sudo, "apt-get", "update", "-qq"], env=env, check=True)
    subprocess.run([*sudo, "apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium"], env=env,
                   check=True)


def report(args: list[str]) -> int:
    _install("requirements-report.txt")
    return _run(PYTHON, "-m", "idr_tools.report", *args)


def bench(args: list[str]) -> int:
    _install("requirements-dev.txt")
    return _run(PYTHON, "-m", "bench.benchmark", *args)


def main() -> int:
    commands = {"demo": demo, "test": test, "bench": bench, "report": report}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        print(__doc__)
        return 2
    return commands[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
