"""The benchmark script keeps working: a tiny size, end to end (the real sizes run via dev.py bench)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.adapter_independent


def test__benchmark__a_tiny_run_reports_every_number(tmp_path):
    from bench import benchmark

    summary = benchmark.main(["--people", "200,400", "--adversarial", "500", "--out", str(tmp_path)])
    small, large = summary["sizes"]
    for size in (small, large):
        assert size["rows"]["events"] > 0 and size["rows"]["edges"] > 0
        assert size["dbt"]["models"]["int_idr__node_components"] > 0
        assert size["scipy"]["components"] > 0
        assert size["baseline"]["seconds"] > 0
        assert 0.9 < size["event_precision"] <= 1.0
        assert size["dbt"]["peak_rss_gb"] > 0
    assert "event_precision_without_limits" in small
    assert summary["adversarial"]["profiles"] == {"chain": 1, "star": 1}
    assert summary["adversarial"]["rounds"]["components"] >= 1
