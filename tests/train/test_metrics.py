"""Metrics JSONL and the end-of-run plot."""

from __future__ import annotations

import math

from toolgym.train.metrics import MetricsWriter, plot_metrics, read_metrics


def test_jsonl_round_trip_and_png(tmp_path):
    writer = MetricsWriter(tmp_path / "m" / "metrics.jsonl")
    records = [
        {"step": i, "reward_mean": i / 10, "tool_calls_mean": 1.0, "response_tokens_mean": 30 + i, "logprob_diff": math.nan}
        for i in range(1, 4)
    ]
    for r in records:
        writer.write(r)
    writer.close()
    back = read_metrics(tmp_path / "m" / "metrics.jsonl")
    assert [r["step"] for r in back] == [1, 2, 3] and back[0]["logprob_diff"] is None
    png = plot_metrics(back, tmp_path / "plot.png")
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000
