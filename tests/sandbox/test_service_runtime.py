"""The service runtime's value codec and request handling, without Docker."""

from __future__ import annotations

import datetime
import decimal
import json
import math
import uuid

import pytest

from toolgym.sandbox import service_runtime
from toolgym.sandbox.service_runtime import decode_value, encode_value


@pytest.mark.parametrize("value", [
    None, True, 3, -2.5, "text", decimal.Decimal("12.340"), datetime.date(2024, 1, 11),
    datetime.datetime(2024, 1, 11, 8, 30, 1, 5), datetime.time(23, 59), datetime.timedelta(days=2, seconds=5),
    b"\x00\xff", uuid.UUID(int=7), float("nan"), float("inf"), (1, "a", None), [1, (2, 3)], {"k": (1, 2)},
])
def test_values_survive_json_exactly(value):
    back = decode_value(json.loads(json.dumps(encode_value(value))))
    if isinstance(value, float) and math.isnan(value):
        assert math.isnan(back)
    else:
        assert back == value and type(back) is type(value)


def test_unknown_tags_are_refused():
    with pytest.raises(ValueError):
        decode_value({"$t": "pickle", "v": "..."})


def test_a_bad_request_is_an_infra_reply_not_a_raise(capsys):
    service_runtime.handle("not json")
    reply = json.loads(capsys.readouterr().out)
    assert reply["ok"] is False and reply["kind"] == "infra"
    service_runtime.handle(json.dumps({"op": "format_disk"}))
    assert json.loads(capsys.readouterr().out)["kind"] == "infra"


def test_sql_requests_run_the_hosts_local_engine_code(capsys, tmp_path, monkeypatch):
    duckdb = pytest.importorskip("duckdb")
    path = tmp_path / "t.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE t AS SELECT DATE '2024-01-11' AS d, 1.50::DECIMAL(4,2) AS x")
    monkeypatch.setattr(service_runtime, "SOURCE_ROOT", str(__import__("pathlib").Path(service_runtime.__file__).parents[2]))
    request = {"op": "sql.query", "dialect": "duckdb", "path": str(path), "memory_limit_mb": 64,
               "sql": "SELECT * FROM t", "max_rows": 5, "timeout_s": 5}
    service_runtime.handle(json.dumps(request))
    reply = json.loads(capsys.readouterr().out)
    assert [decode_value(r) for r in reply["rows"]] == [(datetime.date(2024, 1, 11), decimal.Decimal("1.50"))]
    service_runtime.handle(json.dumps({**request, "sql": "DELETE FROM t"}))
    assert json.loads(capsys.readouterr().out)["kind"] == "refused"
