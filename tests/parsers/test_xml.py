from toolgym.parsers import XMLTagParser, get_parser
from toolgym.types import ToolCall, ToolResult

import pytest


def test_search_r1_format():
    p = XMLTagParser()
    r = p.parse("<think>hmm</think><search> capital of Zarn </search>")
    assert r.calls[0].name == "search" and r.calls[0].arguments == {"query": "capital of Zarn"}
    assert p.render_results(r.calls, [ToolResult(True, "doc")]) == "<information>doc</information>"
    assert p.parse("<answer>Velmor</answer>").answer == "Velmor"


def test_custom_tags_and_round_trip():
    p = XMLTagParser({"sql": ("sql", "query")}, result_tag="result")
    r = p.parse(p.render_action([ToolCall("sql", {"query": "SELECT 1"})]))
    assert r.calls[0].arguments == {"query": "SELECT 1"}


def test_registry():
    assert get_parser("hermes").name == "hermes"
    assert get_parser("tir").name == "tir"
    with pytest.raises(ValueError, match="unknown parser"):
        get_parser("nope")
