from toolgym.parsers import TGRLParser
from toolgym.types import ToolCall

P = TGRLParser()


def test_think_tool_lines_and_response():
    text = (
        "<think>need two lookups</think>\n<tool>\n"
        '{"name": "a", "parameters": {"x": 1}}\n{"name": "b", "arguments": {"y": 2}}\n</tool>'
    )
    r = P.parse(text)
    assert r.format_ok and [(c.name, c.arguments) for c in r.calls] == [("a", {"x": 1}), ("b", {"y": 2})]
    assert P.parse("<think>done</think><response>Paris</response>").answer == "Paris"


def test_json_list_block():
    r = P.parse('<tool>[{"name": "a", "parameters": {}}, {"name": "b", "parameters": {}}]</tool>')
    assert [c.name for c in r.calls] == ["a", "b"]


def test_errors():
    assert not P.parse("<think>never closed").format_ok
    assert P.parse("<tool>not json</tool>").calls[0].parse_error
    assert not P.parse("<tool>\n\n</tool>").format_ok


def test_render_round_trip():
    text = P.render_action([ToolCall("a", {"q": "x"})], thought="t")
    assert P.parse(text).calls[0].arguments == {"q": "x"}
    assert P.parse(P.render_action([], answer="ok")).answer == "ok"
