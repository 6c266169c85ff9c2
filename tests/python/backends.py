"""Server backends for the harness: PostgreSQL and Spark, with the interface of harness.DuckDBBackend.

PostgreSQL: one throwaway server per test process (initdb into a temp dir, started on first use,
stopped and deleted at exit), or the server named by IDR_PG_HOST / IDR_PG_PORT / IDR_PG_USER /
IDR_PG_PASSWORD / IDR_PG_DATABASE when IDR_PG_HOST is set. Every backend gets a database of its own.

Spark: one local SparkSession per test process (Hive metastore, warehouse and scratch space in a
temp dir, deleted at exit), configured from the `spark` target's server_side_parameters. dbt-spark's
session method calls SparkSession.builder.getOrCreate() in this same process, so dbt and the harness
share it. Spark has no databases, so every backend prefixes its schema names instead (`schema()`).
"""

from __future__ import annotations

import atexit
import functools
import io
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
import warnings
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

from harness import PROJECT_ROOT, TIMESTAMP_COLUMNS


def make_server_backend(adapter: str, workdir: Path):
    """A fresh, isolated backend for one test project (`workdir` is unused: the data lives on the server)."""
    if adapter == "postgres":
        return PostgresBackend()
    if adapter == "spark":
        return SparkBackend()
    raise ValueError(f"no server backend for adapter {adapter!r}")


def normalise(value):
    """A value as DuckDB's client returns it: naive (UTC) datetimes, and integral decimals as int."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(timezone.utc).replace(tzinfo=None)
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _normalised(rows) -> list[tuple]:
    return [tuple(normalise(v) for v in row) for row in rows]


# ---------------------------------------------------------------------------------------------
# PostgreSQL
# ---------------------------------------------------------------------------------------------
class _PostgresServer:
    """A throwaway PostgreSQL cluster in a temp dir, listening on 127.0.0.1 and a free port.

    PostgreSQL refuses to run as root: as root, the cluster directory is given to the `postgres`
    OS user and initdb / pg_ctl run through `runuser -u postgres --`.
    """

    user = "postgres"
    password = ""
    database = "postgres"

    def __init__(self):
        self.as_root = hasattr(os, "geteuid") and os.geteuid() == 0
        self.dir = Path(tempfile.mkdtemp(prefix="idr-postgres-"))
        atexit.register(self.stop)
        if self.as_root:
            shutil.chown(self.dir, user="postgres")
        self.data = self.dir / "data"
        self.host = "127.0.0.1"
        self.port = _free_port()
        # A linguistic default collation (ICU en-US: case- and punctuation-insensitive at first
        # level), like most production databases: string order must come from the package's
        # explicit byte-order collation, never from the server's default.
        self._pg("initdb", "-D", self.data, "-A", "trust", "-U", self.user, "-E", "UTF8", "--locale=C",
                 "--locale-provider=icu", "--icu-locale=en-US", "--no-sync")
        # A test server: durability off (fast DDL and COPY), UTC like the other backends.
        options = (f"-p {self.port} -k {self.dir} -c listen_addresses={self.host} -c timezone=UTC "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off")
        self._pg("pg_ctl", "-D", self.data, "-l", self.dir / "server.log", "-w", "-t", "60", "-o", options, "start")

    def _pg(self, *command) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if self.as_root else []
        done = subprocess.run([*prefix, *map(str, command)], capture_output=True, text=True)
        if done.returncode != 0:
            log = self.dir / "server.log"
            raise RuntimeError(f"{command[0]} failed ({done.returncode}):\n{done.stdout}{done.stderr}"
                               + (log.read_text() if log.exists() else ""))

    def stop(self) -> None:
        """Stop the server (fast shutdown: open sessions are ended) and delete its directory."""
        if (self.data / "postmaster.pid").exists():
            self._pg("pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop")
        shutil.rmtree(self.dir, ignore_errors=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@functools.cache
def _postgres_server() -> _PostgresServer:
    """The process's throwaway server, started on first use."""
    return _PostgresServer()


def _postgres_settings() -> dict[str, str]:
    """host, port, user, password and admin database: the user's server (IDR_PG_HOST set) or ours."""
    if os.environ.get("IDR_PG_HOST"):
        return {
            "host": os.environ["IDR_PG_HOST"],
            "port": os.environ.get("IDR_PG_PORT", "5432"),
            "user": os.environ.get("IDR_PG_USER", "postgres"),
            "password": os.environ.get("IDR_PG_PASSWORD", ""),
            "dbname": os.environ.get("IDR_PG_DATABASE", "postgres"),
        }
    server = _postgres_server()
    return {"host": server.host, "port": str(server.port), "user": server.user, "password": server.password,
            "dbname": server.database}


def _copy_text(value) -> str:
    """One field of COPY's text format."""
    if value is None:
        return r"\N"
    text = value.isoformat(sep=" ") if isinstance(value, datetime) else str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


class PostgresBackend:
    """A database of its own (dropped on close); raw tables in schemas `segment`, `crm`, ...;
    dbt builds into schema `identity_resolution`, which queries find by bare name."""

    adapter = "postgres"
    target = "postgres"
    dbt_schema = "identity_resolution"

    def __init__(self):
        import psycopg2

        self._connect = psycopg2.connect
        self.settings = _postgres_settings()
        self.database = f"idr_test_{uuid.uuid4().hex[:12]}"
        self._admin(f'create database "{self.database}"')
        self._con = self._connect(**{**self.settings, "dbname": self.database})
        self._con.autocommit = True
        with self._con.cursor() as cur:
            cur.execute(f'set search_path to "{self.dbt_schema}", public')
            cur.execute("set timezone to 'UTC'")

    def _admin(self, sql: str) -> None:
        con = self._connect(**self.settings)
        try:
            con.autocommit = True
            with con.cursor() as cur:
                cur.execute(sql)
        finally:
            con.close()

    def env(self) -> dict[str, str]:
        return {
            "IDR_PG_HOST": self.settings["host"],
            "IDR_PG_PORT": self.settings["port"],
            "IDR_PG_USER": self.settings["user"],
            "IDR_PG_PASSWORD": self.settings["password"],
            "IDR_PG_DATABASE": self.database,
            "IDR_PG_SCHEMA": self.dbt_schema,
        }

    def schema(self, name: str) -> str:
        """The physical schema of a logical raw schema: the same (every backend has a database)."""
        return name

    def manifest_key(self) -> str:
        """What a parsed manifest holds of this backend: the database and schema names."""
        return f"{self.database}.{self.dbt_schema}"

    def write_table(self, schema: str, table: str, columns: list[str], rows: list[dict]) -> None:
        definition = ", ".join(f'"{c}" {"timestamp" if c in TIMESTAMP_COLUMNS else "text"}' for c in columns)
        data = io.StringIO("".join("\t".join(_copy_text(row.get(c)) for c in columns) + "\n" for row in rows))
        with self._con.cursor() as cur:
            cur.execute(f'create schema if not exists "{schema}"')
            # cascade: the staging views over a raw table (the next build recreates them)
            cur.execute(f'drop table if exists "{schema}"."{table}" cascade')
            cur.execute(f'create table "{schema}"."{table}" ({definition})')
            cur.copy_expert(f'copy "{schema}"."{table}" from stdin', data)

    def query(self, sql: str) -> list[tuple]:
        with self._con.cursor() as cur:
            cur.execute(sql)
            return _normalised(cur.fetchall()) if cur.description else []

    def columns(self, relation: str) -> list[str]:
        with self._con.cursor() as cur:
            cur.execute(f"select * from {relation} limit 0")
            return [d[0] for d in cur.description]

    def relation_names(self) -> set[str]:
        """The tables and views in the schema dbt builds into."""
        return {r[0] for r in self.query(
            f"select table_name from information_schema.tables where table_schema = '{self.dbt_schema}'")}

    def close(self) -> None:
        self._con.close()
        self._admin(f'drop database if exists "{self.database}" with (force)')


# ---------------------------------------------------------------------------------------------
# Spark
# ---------------------------------------------------------------------------------------------
def _profile_spark_parameters(env: dict[str, str]) -> dict[str, str]:
    """The `spark` target's server_side_parameters from profiles/profiles.yml, with env_var() read
    from `env` first, then the environment (the only Jinja those values use)."""
    import jinja2
    import yaml

    profile = yaml.safe_load((PROJECT_ROOT / "profiles" / "profiles.yml").read_text())
    parameters = profile["identity_resolution"]["outputs"]["spark"]["server_side_parameters"]

    def env_var(name: str, default: str | None = None) -> str:
        value = env.get(name, os.environ.get(name, default))
        if value is None:
            raise KeyError(f"env var {name} is not set")
        return value

    return {key: jinja2.Template(str(value)).render(env_var=env_var) for key, value in parameters.items()}


class _SparkRuntime:
    """The process's local SparkSession; its warehouse, Derby metastore and scratch space live in
    one temp dir, deleted at exit."""

    def __init__(self):
        from pyspark.sql import SparkSession

        self.dir = Path(tempfile.mkdtemp(prefix="idr-spark-"))
        # what the profile needs to find this session's warehouse and metastore (see profiles.yml)
        self.env = {"IDR_SPARK_WAREHOUSE": str(self.dir / "warehouse"), "IDR_SPARK_METASTORE": str(self.dir)}
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # local mode: no need for a network interface
        settings = {
            **_profile_spark_parameters(self.env),
            "spark.local.dir": str(self.dir / "scratch"),
            "spark.sql.ansi.enabled": "false",  # dbt-spark forces it on every query: the harness agrees
        }
        builder = SparkSession.builder.enableHiveSupport()
        for key, value in settings.items():
            builder = builder.config(key, value)
        self.session = None
        atexit.register(self.stop)
        self.session = builder.getOrCreate()
        self.session.sparkContext.setLogLevel("FATAL")  # failed queries raise; no log noise

    def stop(self) -> None:
        """Stop the session and its JVM, then delete the directory (the JVM would otherwise outlive
        this process by a few seconds, still holding the metastore)."""
        from pyspark import SparkContext

        gateway = SparkContext._gateway
        if self.session is not None:
            self.session.stop()
            self.session = None
        process = getattr(gateway, "proc", None)
        if process is not None and process.poll() is None:  # the JVM exits when its stdin closes
            gateway.shutdown()
            process.stdin.close()
            process.wait(timeout=60)
        shutil.rmtree(self.dir, ignore_errors=True)


@functools.cache
def _spark_runtime() -> _SparkRuntime:
    """The process's SparkSession, started on first use."""
    return _SparkRuntime()


_spark_projects = itertools.count(1)


class SparkBackend:
    """Schemas of its own in the shared session, all prefixed `p<N>_` (dropped on close): raw schema
    `segment` is `p<N>_segment`, dbt builds into `p<N>_identity_resolution`, which queries find by
    bare name."""

    adapter = "spark"
    target = "spark"

    def __init__(self):
        self.runtime = _spark_runtime()
        self.spark = self.runtime.session
        self.prefix = f"p{next(_spark_projects)}_"
        self.dbt_schema = self.schema("identity_resolution")
        self._schemas = [self.dbt_schema]
        self.spark.sql(f"create schema if not exists {self.dbt_schema}")

    def env(self) -> dict[str, str]:
        return {**self.runtime.env, "IDR_SPARK_SCHEMA": self.dbt_schema}

    def manifest_key(self) -> str:
        """What a parsed manifest holds of this backend: the schema names."""
        return self.prefix

    def schema(self, name: str) -> str:
        """The physical schema of logical schema `name` (already prefixed names are returned as is)."""
        return name if name.startswith(self.prefix) else self.prefix + name

    def write_table(self, schema: str, table: str, columns: list[str], rows: list[dict]) -> None:
        import pyarrow as pa
        from pyspark.sql import types as T

        data = pa.table({
            c: pa.array([row.get(c) for row in rows],
                        type=pa.timestamp("us", tz="UTC") if c in TIMESTAMP_COLUMNS else pa.string())
            for c in columns
        })
        spark_schema = T.StructType([
            T.StructField(c, T.TimestampType() if c in TIMESTAMP_COLUMNS else T.StringType()) for c in columns
        ])
        if schema not in self._schemas:
            self._schemas.append(schema)
        self.spark.sql(f"create schema if not exists {schema}")
        with warnings.catch_warnings():  # pyspark checks the pandas version even for Arrow input
            warnings.filterwarnings("ignore", "PySpark does not yet fully support pandas", FutureWarning)
            frame = self.spark.createDataFrame(data, schema=spark_schema)
        frame.write.mode("overwrite").saveAsTable(f"{schema}.`{table}`")

    def query(self, sql: str) -> list[tuple]:
        self.spark.catalog.setCurrentDatabase(self.dbt_schema)
        result = self.spark.sql(sql).toArrow()  # timestamps arrive in the session time zone (UTC)
        return _normalised(zip(*(column.to_pylist() for column in result.columns), strict=True))

    def columns(self, relation: str) -> list[str]:
        self.spark.catalog.setCurrentDatabase(self.dbt_schema)
        return self.spark.sql(f"select * from {relation} limit 0").columns

    def relation_names(self) -> set[str]:
        """The tables and views in the schema dbt builds into."""
        return {t.name for t in self.spark.catalog.listTables(self.dbt_schema)}

    def close(self) -> None:
        self.spark.catalog.setCurrentDatabase("default")
        for schema in self._schemas:
            self.spark.sql(f"drop schema if exists {schema} cascade")
