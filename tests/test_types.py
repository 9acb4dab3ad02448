from toolgym.types import ToolResult


def test_unavailable_service_is_an_infra_result():
    r = ToolResult.unavailable("database", ConnectionError("gone"))
    assert not r.ok and r.is_infra
    assert r.content == "Error: the database is unavailable; please retry."
    assert r.metadata == {"exception": "gone"}
