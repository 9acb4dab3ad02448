from toolgym.parsers import HermesParser
from toolgym.types import ToolCall


P = HermesParser()


def test_single_call():
    r = P.parse('Let me compute.\n<tool_call>\n{"name": "python", "arguments": {"code": "print(1)"}}\n</tool_call>')
    assert r.format_ok and r.answer is None
    assert [(c.name, c.arguments) for c in r.calls] == [("python", {"code": "print(1)"})]


def test_several_calls_and_string_arguments():
    text = (
        '<tool_call>{"name": "a", "arguments": {"x": 1}}</tool_call>'
        '<tool_call>{"name": "b", "arguments": "{\\"y\\": 2}"}</tool_call>'
    )
    r = P.parse(text)
    assert [(c.name, c.arguments) for c in r.calls] == [("a", {"x": 1}), ("b", {"y": 2})]
    assert r.format_ok


def test_answer_tag_and_boxed():
    assert P.parse("so <answer> 42 </answer>").answer == "42"
    r = P.parse("thus \\boxed{\\frac{1}{2}}")
    assert r.answer == "\\frac{1}{2}" and r.format_ok


def test_multiple_answers_are_all_reported():
    r = P.parse("<answer>1</answer> or <answer>2</answer>")
    assert r.answers == ["1", "2"] and r.answer == "2"


def test_broken_json_is_a_malformed_call():
    r = P.parse('<tool_call>{"name": "python", "arguments": {</tool_call>')
    assert not r.format_ok
    assert r.calls[0].parse_error and "invalid JSON" in r.calls[0].parse_error


def test_missing_name_and_non_object_arguments():
    assert "name" in P.parse('<tool_call>{"arguments": {}}</tool_call>').calls[0].parse_error
    assert "object" in P.parse('<tool_call>{"name": "f", "arguments": [1]}</tool_call>').calls[0].parse_error


def test_unclosed_call_with_complete_json_is_accepted():
    # vLLM strips the stop string "</tool_call>": the call is still whole.
    r = P.parse('<tool_call>{"name": "f", "arguments": {}}')
    assert r.format_ok and r.calls[0].name == "f"


def test_unclosed_call_with_broken_json_is_an_error():
    r = P.parse('<tool_call>{"name": "f", "argu')
    assert not r.format_ok and "Unclosed" in r.calls[0].parse_error


def test_nested_tags_are_rejected():
    r = P.parse('<tool_call><tool_call>{"name": "f", "arguments": {}}</tool_call>')
    assert not r.format_ok and "Nested" in r.calls[0].parse_error


def test_plain_text_asks_for_a_call_or_answer():
    r = P.parse("I think the answer is probably seven")
    assert not r.format_ok and "No tool call and no final answer" in r.format_error


def test_boxed_inside_code_is_not_an_answer():
    r = P.parse('<tool_call>{"name": "python", "arguments": {"code": "print(\'\\\\boxed{3}\')"}}</tool_call>')
    assert r.answer is None and len(r.calls) == 1


def test_render_round_trip():
    calls = [ToolCall("python", {"code": "x = 'é'\nprint(x)"})]
    text = P.render_action(calls, thought="plan")
    r = P.parse(text)
    assert [(c.name, c.arguments) for c in r.calls] == [(c.name, c.arguments) for c in calls]
    assert P.parse(P.render_action([], answer="7/12")).answer == "7/12"
