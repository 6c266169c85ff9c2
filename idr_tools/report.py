"""The graph health report: one self-contained HTML file from the package's health models.

Reads ``idr_graph_health`` (one row per build), ``idr_graph_health_metrics`` (the breakdowns) and
``idr_graph_hubs`` from the warehouse dbt built them in, found the way dbt finds it: the project's
``profile`` in ``profiles.yml`` (``--profiles-dir``, else ``DBT_PROFILES_DIR``, else the project's
``profiles/`` folder, else ``~/.dbt``), its default target or ``--target`` / ``DBT_TARGET``, with
``env_var()`` read from the environment (``IDR_DUCKDB_PATH``, ``IDR_PG_HOST``, ...). DuckDB and
PostgreSQL targets are supported.

The page embeds everything it needs: the charts are drawn by plotly.js, stored in the page
gzip-compressed (about 1.5 MB instead of 4.8 MB) and unpacked by the browser itself
(DecompressionStream: Chrome 80+, Firefox 113+, Safari 16.4+), so it opens without network
access. Identifier values appear only in the hubs table, HTML-escaped and truncated; with
``--hash-values`` (or ``IDR_REPORT_HASH_VALUES=true``) they are replaced by a short SHA-256.

When the page has drawn its charts it records, on its ``<html>`` element, ``data-idr-state``
(``done`` or ``error``), ``data-idr-charts`` / ``data-idr-charts-drawn`` and
``data-idr-errors``, and on each chart ``data-marks`` (the SVG marks drawn): a headless browser
can check the page without a screenshot diff.

Usage::

    idr-report                       # writes target/graph_health_report.html
    idr-report --output report.html --target postgres --hash-values
    python3 dev.py report            # installs what it needs into .venv first
"""

from __future__ import annotations

import argparse
import base64
import gzip
import hashlib
import html
import json
import os
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

PACKAGE_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUTPUT = Path("target") / "graph_health_report.html"
RELATIONS = ("idr_graph_health", "idr_graph_health_metrics", "idr_graph_hubs")
HUB_KINDS = {
    "profile_most_identifiers": "Largest profiles by identifiers",
    "profile_most_events": "Largest profiles by events",
    "identifier_most_links": "Identifiers linked to the most other identifiers",
    "identifier_most_rejected_edges": "Identifiers with the most rejected merges",
}


class ReportError(Exception):
    """A problem the user can fix (no warehouse, models not built, unsupported target)."""


# ---------------------------------------------------------------------------------------------
# Finding the warehouse: dbt's profiles.yml
# ---------------------------------------------------------------------------------------------
def _render(value: Any) -> Any:
    """A profiles.yml value with its Jinja rendered as dbt would (env_var, as_number, as_bool)."""
    if isinstance(value, dict):
        return {k: _render(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_render(v) for v in value]
    if not isinstance(value, str) or "{" not in value:
        return value
    import jinja2

    def env_var(name: str, default: str | None = None) -> str:
        if name in os.environ:
            return os.environ[name]
        if default is None:
            raise ReportError(f"profiles.yml needs the environment variable {name}")
        return default

    environment = jinja2.Environment(undefined=jinja2.StrictUndefined)
    environment.globals["env_var"] = env_var
    environment.filters["as_number"] = lambda v: float(v) if "." in str(v) else int(v)
    environment.filters["as_bool"] = lambda v: str(v).lower() in ("true", "1", "yes")
    environment.filters["as_text"] = str
    return environment.from_string(value).render()


def find_target(project_dir: Path, profiles_dir: Path | None = None, target: str | None = None) -> dict:
    """The connection settings of the dbt target the project builds into."""
    import yaml

    project_file = project_dir / "dbt_project.yml"
    if not project_file.exists():
        raise ReportError(f"no dbt_project.yml in {project_dir} (use --project-dir)")
    profile_name = yaml.safe_load(project_file.read_text())["profile"]
    candidates = [profiles_dir] if profiles_dir else []
    if os.environ.get("DBT_PROFILES_DIR"):
        candidates.append(Path(os.environ["DBT_PROFILES_DIR"]))
    candidates += [project_dir / "profiles", project_dir, Path.home() / ".dbt"]
    path = next((d / "profiles.yml" for d in candidates if (d / "profiles.yml").exists()), None)
    if path is None:
        raise ReportError("no profiles.yml found (use --profiles-dir or DBT_PROFILES_DIR)")
    profiles = yaml.safe_load(path.read_text()) or {}
    if profile_name not in profiles:
        raise ReportError(f"{path} has no profile '{profile_name}'")
    profile = profiles[profile_name]
    name = target or os.environ.get("DBT_TARGET") or _render(profile.get("target", "default"))
    outputs = profile.get("outputs", {})
    if name not in outputs:
        raise ReportError(f"profile '{profile_name}' in {path} has no target '{name}'")
    settings = _render(outputs[name])
    settings["target_name"] = name
    return settings


class Warehouse:
    """A read-only connection to the target: query(sql) -> list of dicts."""

    def __init__(self, settings: dict, project_dir: Path, schema: str | None = None):
        self.type = settings.get("type")
        if self.type == "duckdb":
            import duckdb

            path = Path(settings.get("path", ":memory:"))
            if not path.is_absolute():
                path = project_dir / path
            if not path.exists():
                raise ReportError(f"no DuckDB file at {path}: build the package first (python3 dev.py demo)")
            try:
                self.connection = duckdb.connect(str(path), read_only=True)
            except duckdb.ConnectionException:
                # this process holds the file open already (dbt ran in it): share that database
                self.connection = duckdb.connect(str(path))
            self.schema = schema or settings.get("schema") or "main"
            self.description = f"DuckDB {path.name}, schema {self.schema}"
        elif self.type == "postgres":
            try:
                import psycopg2
            except ImportError as error:
                raise ReportError("the postgres target needs psycopg2: pip install -r requirements-postgres.txt") \
                    from error
            self.connection = psycopg2.connect(
                host=settings["host"], port=int(settings.get("port", 5432)), user=settings["user"],
                password=settings.get("password") or settings.get("pass") or "",
                dbname=settings.get("dbname") or settings.get("database"))
            self.connection.set_session(readonly=True, autocommit=True)
            self.schema = schema or settings["schema"]
            self.description = f"PostgreSQL {settings['host']}/{settings.get('dbname')}, schema {self.schema}"
        else:
            raise ReportError(f"target '{settings['target_name']}' is {self.type}: the report reads DuckDB and "
                              "PostgreSQL targets")

    def relation(self, name: str) -> str:
        return '"' + self.schema.replace('"', '""') + '"."' + name + '"'

    def query(self, sql: str) -> list[dict]:
        if self.type == "duckdb":
            cursor = self.connection.execute(sql)
            columns = [d[0] for d in cursor.description]
            rows = cursor.fetchall()
        else:
            with self.connection.cursor() as cursor:
                cursor.execute(sql)
                columns = [d[0] for d in cursor.description]
                rows = cursor.fetchall()
        return [dict(zip(columns, (_plain(v) for v in row), strict=True)) for row in rows]

    def close(self) -> None:
        self.connection.close()


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(timezone.utc).replace(tzinfo=None)
    return value


# ---------------------------------------------------------------------------------------------
# The data
# ---------------------------------------------------------------------------------------------
@dataclass
class ReportData:
    runs: list[dict]  # idr_graph_health, oldest first
    metrics: list[dict]  # idr_graph_health_metrics
    hubs: list[dict]  # idr_graph_hubs
    source: str = ""
    generated_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc).replace(tzinfo=None))


def read_data(warehouse: Warehouse) -> ReportData:
    try:
        runs = warehouse.query(f"select * from {warehouse.relation('idr_graph_health')} order by run_at")
        metrics = warehouse.query(
            "select run_id, run_at, metric, source_name, identifier_type, category, profile_size, metric_value "
            f"from {warehouse.relation('idr_graph_health_metrics')} order by run_at, metric")
        hubs = warehouse.query(f"select * from {warehouse.relation('idr_graph_hubs')} order by hub_kind, hub_rank")
    except Exception as error:  # the client's own error types differ; the message says what is missing
        raise ReportError(f"could not read the health models ({', '.join(RELATIONS)}) from {warehouse.description}: "
                          f"build them first (dbt build). {str(error).strip().splitlines()[0]}") from error
    if not runs:
        raise ReportError(f"idr_graph_health is empty in {warehouse.description}: run dbt build first")
    return ReportData(runs, metrics, hubs, warehouse.description)


# ---------------------------------------------------------------------------------------------
# The page
# ---------------------------------------------------------------------------------------------
def shown_value(value: Any, truncate: int, hash_values: bool) -> str:
    """An identifier value as the hubs table shows it: hashed (PII) or truncated."""
    if value is None:
        return ""
    text = str(value)
    if hash_values:
        return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
    return text if len(text) <= truncate else text[: max(truncate - 1, 1)] + "…"


def _number(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}"
    return f"{int(value):,}"


def _run_label(run: dict) -> str:
    return run["run_at"].strftime("%Y-%m-%d %H:%M:%S")


def _series(data: ReportData, metric: str, key) -> dict[str, dict[str, float]]:
    """{series name: {run label: value}} for `metric`, the series named by key(row)."""
    labels = {r["run_id"]: _run_label(r) for r in data.runs}
    out: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for row in data.metrics:
        if row["metric"] == metric and row["run_id"] in labels and (name := key(row)) is not None:
            out[name][labels[row["run_id"]]] += row["metric_value"] or 0
    return out


def _latest(data: ReportData, metric: str) -> list[dict]:
    run_id = data.runs[-1]["run_id"]
    return [r for r in data.metrics if r["metric"] == metric and r["run_id"] == run_id]


def build_figures(data: ReportData) -> list[tuple[str, str, Any]]:
    """[(chart id, caption, plotly figure)] in page order."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    labels = [_run_label(r) for r in data.runs]
    layout = dict(template="plotly_white", margin=dict(l=60, r=20, t=50, b=50), height=380,
                  legend=dict(orientation="h", y=-0.2), font=dict(size=12))
    figures = []

    # profile size distribution, latest run, log scales
    sizes = make_subplots(rows=1, cols=2, subplot_titles=("identifiers per profile", "events per profile"))
    for col, metric in ((1, "profiles_by_identifier_count"), (2, "profiles_by_event_count")):
        rows = sorted(_latest(data, metric), key=lambda r: r["profile_size"])
        x = [max(r["profile_size"], 0) for r in rows]
        sizes.add_trace(go.Scatter(x=[v if v > 0 else 0.5 for v in x], y=[r["metric_value"] for r in rows],
                                   mode="markers+lines", name=metric.replace("profiles_by_", "by "),
                                   customdata=x, hovertemplate="%{customdata}: %{y:,} profiles<extra></extra>"),
                        row=1, col=col)
        sizes.update_xaxes(type="log" if col == 2 else "linear", row=1, col=col,
                           title_text="events (log; 0 drawn at 0.5)" if col == 2 else "identifiers")
        sizes.update_yaxes(type="log", title_text="profiles (log)", row=1, col=col)
    sizes.update_traces(mode="markers", selector=dict(name="by event_count"))
    sizes.update_layout(**layout, showlegend=False)
    figures.append(("profile-sizes", "Profile size distribution (latest run; log scales): a long tail or a lone "
                    "point far right is a blob worth a look", sizes))

    # identifiers per profile by type, latest run
    by_type = go.Figure()
    counts: dict[str, dict[int, float]] = defaultdict(dict)
    for row in _latest(data, "profiles_by_type_count"):
        counts[row["identifier_type"]][row["profile_size"]] = row["metric_value"]
    for identifier_type in sorted(counts):
        xs = sorted(counts[identifier_type])
        by_type.add_trace(go.Bar(x=xs, y=[counts[identifier_type][x] for x in xs], name=identifier_type))
    if not counts:
        by_type.add_trace(go.Bar(x=[1], y=[0], name="no profiles"))
    by_type.update_layout(**layout, barmode="group", xaxis_title="identifiers of the type in the profile",
                          yaxis=dict(type="log", title="profiles (log)"))
    figures.append(("identifiers-by-type", "Identifiers per profile, by type (latest run): profiles holding "
                    "several values of one type", by_type))

    def over_runs(series: dict[str, dict[str, float]], title: str, kind: str = "bar", empty: str = "none"):
        figure = go.Figure()
        for name in sorted(series):
            y = [series[name].get(label, 0) for label in labels]
            trace = go.Bar if kind == "bar" else go.Scatter
            figure.add_trace(trace(x=labels, y=y, name=name, **({} if kind == "bar" else {"mode": "lines+markers"})))
        if not series:
            figure.add_trace(go.Scatter(x=labels, y=[0] * len(labels), name=empty, mode="lines+markers"))
        figure.update_layout(**layout, barmode="stack", xaxis=dict(type="category", title="run"),
                             yaxis=dict(title=title, rangemode="tozero"), showlegend=True)
        return figure

    rejected = _series(data, "edges", lambda r: f"{r['identifier_type'] or 'no limit'} limit"
                       if r["category"] == "rejected" else None)
    figures.append(("rejections", "Rejected merges by the limit they would break, over runs",
                    over_runs(rejected, "rejected edges", empty="no rejected edge")))

    dropped = _series(data, "quarantined_rows", lambda r: f"quarantined: {r['category']}")
    for metric in ("blocked_values", "invalid_values"):
        status = metric.split("_")[0]
        # by identifier type (rows written before types were recorded have none)
        for name, values in _series(data, metric,
                                    lambda r, s=status: f"{s}: {r['identifier_type'] or 'all types'}").items():
            if any(values.values()):
                dropped[name] = values
    figures.append(("dropped", "Rows and values dropped, by reason, over runs (quarantined delivered rows; "
                    "blocked and invalid identifier values, by type)",
                    over_runs(dropped, "rows / values", empty="nothing dropped")))

    unresolved = _series(data, "events", lambda r: f"{r['source_name']} · {r['category']}"
                         if r["category"] != "resolved" else None)
    figures.append(("unresolved", "Unresolved events by source and reason, over runs",
                    over_runs(unresolved, "events", empty="every event resolved")))

    growth = go.Figure()
    for column in ("events", "identifiers", "profiles", "singleton_profiles"):
        growth.add_trace(go.Scatter(x=labels, y=[r[column] for r in data.runs], name=column.replace("_", " "),
                                    mode="lines+markers"))
    growth.update_layout(**layout, xaxis=dict(type="category", title="run"),
                         yaxis=dict(type="log", title="count (log)"))
    figures.append(("growth", "The graph over runs", growth))

    work = make_subplots(specs=[[{"secondary_y": True}]])
    for column in ("events_in_run", "identifiers_new", "nodes_re_resolved", "components_re_resolved"):
        work.add_trace(go.Bar(x=labels, y=[r[column] for r in data.runs], name=column.replace("_", " ")))
    for column in ("component_rounds", "limit_rounds"):
        work.add_trace(go.Scatter(x=labels, y=[r[column] for r in data.runs], name=column.replace("_", " "),
                                  mode="lines+markers"), secondary_y=True)
    work.update_layout(**layout, barmode="group", xaxis=dict(type="category", title="run"))
    work.update_yaxes(title_text="rows", secondary_y=False)
    work.update_yaxes(title_text="rounds", secondary_y=True, rangemode="tozero", tickformat=",d")
    figures.append(("work", "Work per run: what arrived, what the resolution re-resolved, and its rounds", work))
    return figures


def _tiles(data: ReportData) -> list[tuple[str, str, str]]:
    """Headline numbers: (label, value, note)."""
    latest = data.runs[-1]
    previous = data.runs[-2] if len(data.runs) > 1 else None

    def delta(column: str) -> str:
        if previous is None or latest[column] is None or previous[column] is None:
            return ""
        change = latest[column] - previous[column]
        return f"{change:+,} since the previous run" if change else "unchanged since the previous run"

    share = latest["resolved_event_share"]
    return [
        ("events", _number(latest["events"]), delta("events")),
        ("resolved", f"{share * 100:.2f}%" if share is not None else "–",
         f"{_number(latest['events_unresolved'])} unresolved"),
        ("profiles", _number(latest["profiles"]), delta("profiles")),
        ("identifiers", _number(latest["identifiers"]), delta("identifiers")),
        ("singleton profiles", _number(latest["singleton_profiles"]), "profiles of one identifier"),
        ("largest profile", _number(latest["profile_identifiers_max"]),
         f"identifiers; p99 {_number(latest['profile_identifiers_p99'])}, "
         f"p90 {_number(latest['profile_identifiers_p90'])}, p50 {_number(latest['profile_identifiers_p50'])}"),
        ("most events in a profile", _number(latest["profile_events_max"]),
         f"p99 {_number(latest['profile_events_p99'])}, p50 {_number(latest['profile_events_p50'])}"),
        ("rejected merges", _number(latest["edges_rejected"]), f"of {_number(latest['edges'])} edges"),
        ("quarantined rows", _number(latest["quarantined_rows"]),
         f"{_number(latest['blocked_values'])} blocked, {_number(latest['invalid_values'])} invalid values"),
        ("last run", _number(latest["events_in_run"]),
         f"events in; {_number(latest['nodes_re_resolved'])} identifiers re-resolved in "
         f"{_number(latest['component_rounds'])} + {_number(latest['limit_rounds'])} rounds"),
    ]


def _hubs_html(data: ReportData, truncate: int, hash_values: bool) -> str:
    by_kind: dict[str, list[dict]] = defaultdict(list)
    for row in data.hubs:
        by_kind[row["hub_kind"]].append(row)
    parts = []
    columns = [("identifier_event_count", "events"), ("linked_identifier_count", "linked"),
               ("rejected_edge_count", "rejected"), ("profile_identifier_count", "profile identifiers"),
               ("profile_event_count", "profile events"), ("profile_rejected_edge_count", "profile rejected")]
    for kind, title in HUB_KINDS.items():
        rows = by_kind.get(kind, [])
        head = "".join(f"<th>{html.escape(label)}</th>" for _, label in columns)
        body = []
        for row in rows:
            value = shown_value(row["identifier_value"], truncate, hash_values)
            identifier = f"{row['identifier_type'] or ''}: {value}"
            cells = "".join(f"<td class='n'>{_number(row[c])}</td>" for c, _ in columns)
            body.append(f"<tr><td class='n'>{row['hub_rank']}</td><td>{html.escape(identifier)}</td>"
                        f"<td class='id'>{html.escape(str(row['profile_id'])[:12])}</td>{cells}</tr>")
        if not body:
            body.append(f"<tr><td colspan='{len(columns) + 3}'>none</td></tr>")
        parts.append(f"<details open><summary>{html.escape(title)} ({len(rows)})</summary>"
                     f"<table><thead><tr><th>#</th><th>identifier</th><th>profile</th>{head}</tr></thead>"
                     f"<tbody>{''.join(body)}</tbody></table></details>")
    return "\n".join(parts)


_STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;background:#f6f7f9;color:#1d2330}
header{background:#1d2330;color:#fff;padding:18px 32px}header h1{margin:0;font-size:22px}
header p{margin:4px 0 0;color:#b8c0cc;font-size:13px}main{padding:16px 32px;max-width:1400px}
.tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:12px;margin:8px 0 20px}
.tile{background:#fff;border-radius:8px;padding:12px 14px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
.tile .label{font-size:12px;color:#5b6475;text-transform:uppercase;letter-spacing:.04em}
.tile .value{font-size:26px;font-weight:600;margin:2px 0}.tile .note{font-size:12px;color:#5b6475}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(560px,1fr));gap:16px}
section.chart{background:#fff;border-radius:8px;padding:10px 12px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
section.chart h2,h2.hubs{font-size:14px;font-weight:600;margin:4px 0}.idr-chart{height:380px}
details{background:#fff;border-radius:8px;margin:12px 0;padding:8px 12px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
summary{font-weight:600;cursor:pointer}table{border-collapse:collapse;width:100%;font-size:13px;margin-top:6px}
th,td{padding:4px 8px;border-bottom:1px solid #e6e8ec;text-align:left}td.n{text-align:right}
td.id{font-family:ui-monospace,monospace;color:#5b6475}#idr-message{color:#b3261e}
"""

# Errors are recorded before anything else runs; plotly.js is unpacked, each chart drawn, then
# the marks each chart drew are counted into the DOM.
_RECORDER = """
(function () {
  var errors = [];
  function record(message) {
    errors.push(String(message));
    document.documentElement.setAttribute('data-idr-errors', errors.join(' | '));
  }
  window.addEventListener('error', function (e) { record(e.message || e); });
  window.addEventListener('unhandledrejection', function (e) { record(e.reason); });
  window.idrRecordError = record;
})();
"""

_DRAW = """
(async function () {
  var root = document.documentElement;
  try {
    if (typeof DecompressionStream === 'undefined') {
      throw new Error('this browser cannot unpack the embedded charting library (DecompressionStream)');
    }
    var packed = atob(document.getElementById('idr-plotly').textContent.trim());
    var bytes = new Uint8Array(packed.length);
    for (var i = 0; i < packed.length; i++) { bytes[i] = packed.charCodeAt(i); }
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
    var code = await new Response(stream).text();
    var script = document.createElement('script');
    script.text = code;
    document.head.appendChild(script);
    var figures = JSON.parse(document.getElementById('idr-figures').textContent);
    var drawn = 0;
    for (var j = 0; j < figures.length; j++) {
      var div = document.getElementById(figures[j].id);
      await Plotly.newPlot(div, figures[j].figure.data, figures[j].figure.layout,
                           {responsive: true, displaylogo: false});
      var marks = 0;
      div.querySelectorAll('.main-svg .trace path, .main-svg .trace .point').forEach(function (el) {
        var d = el.getAttribute('d');
        if (d && d !== 'M0,0Z') { marks++; }
      });
      div.setAttribute('data-marks', String(marks));
      if (marks > 0) { drawn++; }
    }
    root.setAttribute('data-idr-charts-drawn', String(drawn));
    root.setAttribute('data-idr-state', 'done');
  } catch (error) {
    window.idrRecordError(error && error.message ? error.message : error);
    document.getElementById('idr-message').textContent = 'Charts could not be drawn: ' + error;
    root.setAttribute('data-idr-state', 'error');
  }
})();
"""


def _script_json(value: Any) -> str:
    """JSON safe inside a <script> element."""
    return value.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def render_html(data: ReportData, truncate: int = 32, hash_values: bool = False,
                title: str = "Identity graph health") -> str:
    import plotly
    import plotly.offline

    figures = build_figures(data)
    packed = base64.b64encode(gzip.compress(plotly.offline.get_plotlyjs().encode("utf-8"), 9, mtime=0))
    figures_json = _script_json("[" + ",".join(
        f'{{"id": {json.dumps(chart_id)}, "figure": {figure.to_json()}}}' for chart_id, _, figure in figures) + "]")
    tiles = "".join(f"<div class='tile'><div class='label'>{html.escape(label)}</div>"
                    f"<div class='value'>{html.escape(value)}</div><div class='note'>{html.escape(note)}</div></div>"
                    for label, value, note in _tiles(data))
    charts = "".join(f"<section class='chart'><h2>{html.escape(caption)}</h2>"
                     f"<div class='idr-chart' id='{chart_id}'></div></section>"
                     for chart_id, caption, _ in figures)
    latest = data.runs[-1]
    subtitle = (f"{html.escape(data.source)} · {len(data.runs)} run{'s' if len(data.runs) != 1 else ''}, latest "
                f"{_run_label(latest)} UTC · generated {data.generated_at:%Y-%m-%d %H:%M} UTC"
                f"{' · identifier values hashed' if hash_values else ''}")
    return f"""<!doctype html>
<html lang="en" data-idr-charts="{len(figures)}" data-idr-state="loading">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<script>{_RECORDER}</script>
<style>{_STYLE}</style>
</head>
<body>
<header><h1>{html.escape(title)}</h1><p>{subtitle}</p></header>
<main>
<p id="idr-message"></p>
<div class="tiles">{tiles}</div>
<div class="charts">{charts}</div>
<h2 class="hubs">Hubs: the profiles and identifiers most likely to be wrong (current graph)</h2>
{_hubs_html(data, truncate, hash_values)}
</main>
<script id="idr-figures" type="application/json">{figures_json}</script>
<script id="idr-plotly" type="application/octet-stream">{packed.decode("ascii")}</script>
<!-- plotly.js {plotly.offline.get_plotlyjs_version()} (MIT licence), packed with gzip and base64 -->
<script>{_DRAW}</script>
</body>
</html>
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="idr-report", description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", "-o", type=Path, help=f"the HTML file to write (default: {DEFAULT_OUTPUT} "
                        "under the project directory)")
    parser.add_argument("--project-dir", type=Path, default=None,
                        help="the dbt project (default: the current directory if it holds dbt_project.yml, "
                        "else this package)")
    parser.add_argument("--profiles-dir", type=Path, default=None, help="where profiles.yml is (as dbt's flag)")
    parser.add_argument("--target", "-t", default=None, help="the dbt target to read (as dbt's flag)")
    parser.add_argument("--schema", default=None, help="the schema holding the health models (default: the target's)")
    parser.add_argument("--hash-values", action="store_true",
                        default=os.environ.get("IDR_REPORT_HASH_VALUES", "").lower() in ("1", "true", "yes"),
                        help="show identifier values as short SHA-256 hashes (PII); also IDR_REPORT_HASH_VALUES=true")
    parser.add_argument("--truncate", type=int, default=32, help="show at most this many characters of a value")
    args = parser.parse_args(argv)
    project_dir = args.project_dir or (Path.cwd() if (Path.cwd() / "dbt_project.yml").exists() else PACKAGE_ROOT)
    try:
        settings = find_target(project_dir.resolve(), args.profiles_dir, args.target)
        warehouse = Warehouse(settings, project_dir.resolve(), args.schema)
        try:
            data = read_data(warehouse)
        finally:
            warehouse.close()
    except ReportError as error:
        print(f"idr-report: {error}", file=sys.stderr)
        return 1
    output = args.output or project_dir / DEFAULT_OUTPUT
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(render_html(data, truncate=max(args.truncate, 1), hash_values=args.hash_values),
                      encoding="utf-8")
    print(f"wrote {output} ({output.stat().st_size / 1e6:.1f} MB): {len(data.runs)} runs from {data.source}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
