"""Drive real dbt against a real database: copy the project to a temp dir, load raw tables,
run `dbt build` through dbtRunner, and read the marts back with the database's own client.

Backends (one per adapter: DuckDB here, PostgreSQL and Spark in backends.py) know how to write raw
tables and run queries; the Project knows dbt.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from dbt.cli.main import dbtRunner

PROJECT_ROOT = Path(__file__).resolve().parents[2]
# dbt commands that run on a parsed manifest (which the harness may hand them, see Project.dbt)
MANIFEST_COMMANDS = {"build", "run", "test", "compile", "run-operation", "show", "seed"}
ROUND_LINE = re.compile(r"idr (\S+) (\S+) round (\d+): (\d+) ")
SCHEMA_TABLE = re.compile(r"^(\w+)\.(\w+)$")

# The columns every raw table gets even when no row uses them (the rest appear only when used,
# so scenarios exercise missing optional columns as a matter of course).
REQUIRED_COLUMNS = {
    ("segment", "identifies"): ["id", "timestamp", "user_id", "anonymous_id"],
    ("segment", "tracks"): ["id", "timestamp", "user_id", "anonymous_id", "event"],
    ("segment", "pages"): ["id", "timestamp", "user_id", "anonymous_id"],
    ("crm", "contacts"): ["contact_id", "created_at", "email", "phone", "first_name", "company"],
    ("web", "sessions"): ["session_id", "started_at", "anonymous_id", "ga_client_id"],
    ("gdpr", "suppressed"): ["identifier_type", "identifier_value", "reason"],
}
TIMESTAMP_COLUMNS = {"timestamp", "created_at", "updated_at", "started_at", "received_at", "sent_at",
                     "original_timestamp", "uuid_ts"}


@dataclass
class BuildResult:
    success: bool
    exception: BaseException | None
    logs: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    @property
    def why(self) -> str:
        """Why it failed, in full (pytest shortens a non-text assertion message to 240 characters)."""
        if self.failures:
            return "\n".join(self.failures)
        return f"{self.exception!r}" if self.exception else "\n".join(self.logs[-40:])

    def rounds(self, loop: str, model: str = "int_idr__node_components") -> int:
        """The highest round number logged by a resolution loop (0 when it never ran a round)."""
        found = [int(m.group(3)) for line in self.logs if (m := ROUND_LINE.search(line))
                 and m.group(1) == model and m.group(2) == loop]
        return max(found, default=0)

    def statements(self) -> list[str]:
        """The SQL of every statement the invocation ran (dbt logs each as `On <node>: <sql>`)."""
        return [line.split(": ", 1)[1] for line in self.logs
                if line.startswith("On ") and ": " in line]


class DuckDBBackend:
    adapter = "duckdb"
    target = "duckdb"

    def __init__(self, workdir: Path):
        self.path = workdir / "warehouse.duckdb"

    def env(self) -> dict[str, str]:
        # two dbt threads: a test project's models are tiny, so dbt's own work per model dominates
        # and a second thread overlaps it (the shipped default is one, for large models:
        # DECISIONLOG 28); it also runs models side by side, as a project that raises it does
        return {"IDR_DUCKDB_PATH": str(self.path), "IDR_DUCKDB_THREADS": "2"}

    def schema(self, name: str) -> str:
        """The physical schema of a logical raw schema (`segment`, `crm`, ...): the same here."""
        return name

    def manifest_key(self) -> str:
        """What a parsed manifest holds of this backend: the database name (the file's stem)."""
        return self.path.stem

    def _connect(self):
        import duckdb

        return duckdb.connect(str(self.path))

    def write_table(self, schema: str, table: str, columns: list[str], rows: list[dict]) -> None:
        import pyarrow as pa

        arrays = {
            c: pa.array([row.get(c) for row in rows],
                        type=pa.timestamp("us") if c in TIMESTAMP_COLUMNS else pa.string())
            for c in columns
        }
        data = pa.table(arrays)  # noqa: F841 - read by name in the SQL below
        con = self._connect()
        try:
            con.execute(f"create schema if not exists {schema}")
            con.execute(f'create or replace table {schema}."{table}" as select * from data')
        finally:
            con.close()

    def query(self, sql: str) -> list[tuple]:
        con = self._connect()
        try:
            return con.execute(sql).fetchall()
        finally:
            con.close()

    def columns(self, relation: str) -> list[str]:
        con = self._connect()
        try:
            return [d[0] for d in con.execute(f"select * from {relation} limit 0").description]
        finally:
            con.close()

    def relation_names(self) -> set[str]:
        """The tables and views in the schema dbt builds into."""
        return {r[0] for r in self.query(
            "select table_name from information_schema.tables where table_schema = current_schema()")}

    def close(self) -> None:
        pass


# Parsed manifests of this process, newest last:
# {(target, backend key, vars, project files digest, seed directory): manifest}
_MANIFESTS: OrderedDict[tuple, object] = OrderedDict()
_MANIFESTS_KEPT = 16


class Project:
    """A throwaway copy of the package, built against one backend."""

    def __init__(self, workdir: Path, backend):
        self.dir = workdir / "project"
        self.backend = backend
        self.dir.mkdir(parents=True, exist_ok=True)
        for name in ("dbt_project.yml", "packages.yml"):
            shutil.copy(PROJECT_ROOT / name, self.dir / name)
        for name in ("models", "macros", "seeds", "profiles"):
            shutil.copytree(PROJECT_ROOT / name, self.dir / name, dirs_exist_ok=True)
        shutil.copytree(PROJECT_ROOT / "tests", self.dir / "tests", dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("python", "__pycache__", "*.py"))

    # ------------------------------------------------------------------ dbt
    def dbt(self, *args: str, vars: dict | None = None) -> BuildResult:
        logs: list[str] = []

        def capture(event) -> None:
            msg = getattr(event.info, "msg", "")
            if msg:
                logs.append(str(msg))

        cli = [*args, "--project-dir", str(self.dir), "--profiles-dir", str(self.dir / "profiles"),
               "--target", self.backend.target]
        if vars:
            cli += ["--vars", json.dumps(self._physical_vars(vars), default=str)]
        saved = {k: os.environ.get(k) for k in self.backend.env()}
        os.environ.update(self.backend.env())
        try:
            manifest = self._manifest(cli, vars, logs, capture) if args[0] in MANIFEST_COMMANDS else None
            result = dbtRunner(manifest=manifest, callbacks=[capture]).invoke(cli)
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
        failures = []
        if result.result is not None and hasattr(result.result, "results"):
            failures = [f"{r.node.name}: {r.status}: {r.message}" for r in result.result.results
                        if str(r.status) in ("error", "fail")]
        return BuildResult(bool(result.success), result.exception, logs, failures)

    def _manifest(self, cli: list[str], vars: dict | None, logs: list[str], capture):
        """A parsed manifest for this command line, or None (dbt then parses as usual).

        A dbt invocation spends most of its time on small test data parsing the project (seconds
        when --vars differ from the previous invocation's, which defeats dbt's partial parsing).
        The manifest depends only on the project's files, the vars, the target and the database
        and schema names, so one parsed manifest serves every invocation of this process with the
        same ones, in any copy of the project. IDR_TEST_REUSE_MANIFESTS=0 turns this off. A
        project that does not parse gets None: dbt parses it again and reports the error itself.
        """
        if os.environ.get("IDR_TEST_REUSE_MANIFESTS", "1") == "0":
            return None
        # a seed is read from the directory of the project it was parsed in: seeding keeps to its own
        loads_seeds = cli[0] == "seed" or (cli[0] == "build" and "resource_type:seed" not in cli)
        parse = ["parse", *cli[cli.index("--project-dir"):]]  # the locations, target and vars
        key = (self.backend.target, self.backend.manifest_key(), json.dumps(vars, sort_keys=True, default=str),
               self._files_digest(), str(self.dir) if loads_seeds else "")
        if key in _MANIFESTS:
            _MANIFESTS.move_to_end(key)
            return _MANIFESTS[key]
        logged = len(logs)
        parsed = dbtRunner(callbacks=[capture]).invoke(parse)
        if not parsed.success or parsed.result is None:
            del logs[logged:]  # the invocation itself parses again and logs the error once
            return None
        # a run marks an ephemeral model's CTE as injected into the nodes it compiled, and the next
        # run on the same manifest would not inject it again (nor can dbt's Manifest be copied whole):
        # such a project (Spark's staging) is parsed for every command
        if not any(node.config.materialized == "ephemeral" for node in parsed.result.nodes.values()):
            _MANIFESTS[key] = parsed.result
            while len(_MANIFESTS) > _MANIFESTS_KEPT:
                _MANIFESTS.popitem(last=False)
        return parsed.result

    def _files_digest(self) -> str:
        """A digest of every file dbt parses in the project (names and contents)."""
        digest = hashlib.sha256()
        for path in sorted(self.dir.rglob("*")):
            relative = path.relative_to(self.dir)
            if path.is_file() and relative.parts[0] not in ("target", "logs", "dbt_packages"):
                digest.update(str(relative).encode() + b"\0" + path.read_bytes() + b"\0")
        return digest.hexdigest()

    def _physical_vars(self, vars: dict) -> dict:
        """`vars` with the logical raw schemas (idr_segment_schema, `schema.table` relations of
        idr_sources) replaced by the backend's physical ones; malformed values are left as they are
        for the package's validation to report."""
        vars = dict(vars)
        if isinstance(vars.get("idr_segment_schema"), str):
            vars["idr_segment_schema"] = self.backend.schema(vars["idr_segment_schema"])
        if isinstance(vars.get("idr_suppressions"), str) and (m := SCHEMA_TABLE.match(vars["idr_suppressions"])):
            vars["idr_suppressions"] = f"{self.backend.schema(m.group(1))}.{m.group(2)}"
        if isinstance(vars.get("idr_sources"), list):
            vars["idr_sources"] = [
                {**source, "relation": f"{self.backend.schema(m.group(1))}.{m.group(2)}"}
                if isinstance(source, dict) and (m := SCHEMA_TABLE.match(str(source.get("relation", ""))))
                else source
                for source in vars["idr_sources"]
            ]
        return vars

    def build(self, vars: dict | None = None, *extra: str) -> BuildResult:
        return self.dbt("build", "--exclude", "resource_type:seed", *extra, vars=vars)

    # ------------------------------------------------------------------ data
    def load(self, tables: dict[tuple[str, str], list[dict]]) -> None:
        """Write raw tables {(schema, table): rows}; columns are the required ones plus any used."""
        for (schema, table), rows in tables.items():
            columns = list(REQUIRED_COLUMNS.get((schema, table), []))
            for row in rows:
                columns += [c for c in row if c not in columns]
            self.backend.write_table(self.backend.schema(schema), table, columns, rows)

    def query(self, sql: str) -> list[tuple]:
        return self.backend.query(sql)

    def relation_names(self) -> set[str]:
        """The tables and views dbt has built (on every adapter; Spark has no information_schema)."""
        return self.backend.relation_names()

    def rows(self, relation: str, where: str = "1 = 1") -> list[dict]:
        columns = self.backend.columns(relation)
        return [dict(zip(columns, row, strict=True)) for row in self.query(f"select * from {relation} where {where}")]


def as_datetime(value) -> datetime:
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    return datetime.fromisoformat(str(value))
