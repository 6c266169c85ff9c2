"""Helpers of test_hostile_input.py: raw tables with explicit column types (integers, dates,
timestamps with and without a time zone), dbt run in a child process under another time zone, and
a consumer project that installs the package as a local package.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import date, datetime
from pathlib import Path

from harness import BuildResult, Project

# column kinds -> the type each adapter writes
COLUMN_TYPES = {
    "duckdb": {"text": "varchar", "int": "bigint", "date": "date", "timestamp": "timestamp",
               "timestamptz": "timestamptz"},
    "postgres": {"text": "text", "int": "bigint", "date": "date", "timestamp": "timestamp",
                 "timestamptz": "timestamptz"},
    "spark": {"text": "string", "int": "bigint", "date": "date", "timestamp": "timestamp_ntz",
              "timestamptz": "timestamp"},
}


def _literal(adapter: str, kind: str, value) -> str:
    if value is None:
        return f"cast(null as {COLUMN_TYPES[adapter][kind]})"
    if kind == "int":
        return str(int(value))
    if kind == "date":
        assert isinstance(value, date)
        return f"date '{value.isoformat()}'"
    if kind in ("timestamp", "timestamptz"):
        assert isinstance(value, datetime)
        assert (value.tzinfo is not None) == (kind == "timestamptz"), "timestamptz values (only) carry an offset"
        return f"cast('{value.isoformat(sep=' ')}' as {COLUMN_TYPES[adapter][kind]})"
    text = str(value)
    if adapter == "spark":  # backslash is an escape character in Spark string literals
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"
    return "'" + text.replace("'", "''") + "'"


def typed_table(project: Project, schema: str, table: str, columns: list[tuple[str, str]], rows: list[tuple]) -> None:
    """Write raw table schema.table with columns [(name, kind)] (kinds: text, int, date, timestamp,
    timestamptz) and rows (tuples in column order), through SQL so that every adapter gets the
    declared types."""
    adapter = project.backend.adapter
    physical = project.backend.schema(schema)
    types = COLUMN_TYPES[adapter]
    definition = ", ".join(f"{name} {types[kind]}" for name, kind in columns)
    project.query(f"create schema if not exists {physical}")
    project.query(f"drop table if exists {physical}.{table}" + (" cascade" if adapter == "postgres" else ""))
    project.query(f"create table {physical}.{table} ({definition})" + (" using parquet" if adapter == "spark" else ""))
    for start in range(0, len(rows), 500):
        values = ", ".join(
            "(" + ", ".join(_literal(adapter, kind, value) for (_, kind), value in zip(columns, row, strict=True)) + ")"
            for row in rows[start:start + 500])
        project.query(f"insert into {physical}.{table} values {values}")


def other_time_zone() -> str:
    """A time zone whose offset differs from this machine's now (so a build under it must differ
    from one under the machine's own zone unless nothing depends on the zone)."""
    local = time.localtime().tm_gmtoff
    return "America/New_York" if local != -5 * 3600 and local != -4 * 3600 else "Asia/Kolkata"


def dbt_in_child(project: Project, args: list[str], vars: dict, env: dict[str, str]) -> BuildResult:
    """Run dbt in a child process (a time zone is read when a database client starts, so another
    zone needs another process) against the project's backend."""
    dbt = Path(sys.executable).parent / "dbt"
    command = [str(dbt), *args, "--project-dir", str(project.dir), "--profiles-dir", str(project.dir / "profiles"),
               "--target", project.backend.target, "--vars", json.dumps(project._physical_vars(vars), default=str)]
    completed = subprocess.run(command, cwd=project.dir, env={**os.environ, **project.backend.env(), **env},
                               capture_output=True, text=True)
    logs = completed.stdout.splitlines()
    failures = [line for line in logs if " ERROR " in line or "Compilation Error" in line]
    return BuildResult(completed.returncode == 0, None, logs, failures)


class ConsumerProject(Project):
    """A dbt project of a user that installs the package from a local path (`package_dir`, a
    Project's copy of it), builds into the same backend, and sets only `vars`."""

    def __init__(self, workdir: Path, backend, package_dir: Path, vars: dict, extra_config: str = ""):
        self.dir = workdir / "consumer"
        self.backend = backend
        (self.dir / "models").mkdir(parents=True, exist_ok=True)
        (self.dir / "profiles").mkdir(exist_ok=True)
        (self.dir / "profiles" / "profiles.yml").write_text((package_dir / "profiles" / "profiles.yml").read_text())
        (self.dir / "packages.yml").write_text(f"packages:\n  - local: {json.dumps(str(package_dir))}\n")
        (self.dir / "dbt_project.yml").write_text(
            "name: acme_analytics\nversion: '1.0.0'\nconfig-version: 2\nprofile: identity_resolution\n"
            f"vars: {json.dumps(project_vars(backend, vars))}\n{extra_config}")


def project_vars(backend, vars: dict) -> dict:
    """`vars` with the logical raw schema replaced by the backend's physical one."""
    out = dict(vars)
    if isinstance(out.get("idr_segment_schema"), str):
        out["idr_segment_schema"] = backend.schema(out["idr_segment_schema"])
    return out
