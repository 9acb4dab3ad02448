from toolgym.parsers import TIRParser
from toolgym.types import ToolCall

P = TIRParser()


def test_fenced_code_is_a_python_call():
    r = P.parse("Compute:\n```python\nprint(2**10)\n```\n")
    assert r.format_ok and r.calls[0].name == "python" and r.calls[0].arguments == {"code": "print(2**10)\n"}


def test_py_fence_and_code_tags():
    r = P.parse("```py\nx=1\n```\n<code>print(x)</code>")
    assert [c.arguments["code"] for c in r.calls] == ["x=1\n", "print(x)"]


def test_unclosed_fence_is_a_format_error():
    r = P.parse("```python\nprint(1)\n")
    assert not r.format_ok and "Unclosed" in r.format_error


def test_boxed_in_code_is_not_an_answer_but_outside_is():
    r = P.parse("```python\nprint('\\\\boxed{1}')\n```\nSo \\boxed{5}")
    assert r.answer == "5" and len(r.calls) == 1


def test_render_round_trip():
    text = P.render_action([ToolCall("python", {"code": "print(3)"})])
    assert P.parse(text).calls[0].arguments["code"].strip() == "print(3)"
