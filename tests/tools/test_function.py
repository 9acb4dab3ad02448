from typing import Literal, Optional

import pytest

from toolgym.errors import ToolGymError
from toolgym.tools import FunctionTool, tool


@tool
def lookup(city: str, days: int = 1, units: Literal["C", "F"] = "C", tags: Optional[list[str]] = None) -> str:
    """Look up the weather.

    Args:
        city: the city name
        days: how many days
            ahead to look
        units: temperature units
    """
    return f"{city}:{days}:{units}:{tags}"


def test_schema_from_hints_and_docstring():
    assert lookup.name == "lookup" and lookup.description == "Look up the weather."
    props = lookup.parameters["properties"]
    assert props["city"] == {"type": "string", "description": "the city name"}
    assert props["days"]["type"] == "integer" and props["days"]["default"] == 1
    assert props["days"]["description"] == "how many days ahead to look"
    assert props["units"]["enum"] == ["C", "F"]
    assert props["tags"]["anyOf"][0] == {"type": "array", "items": {"type": "string"}}
    assert lookup.parameters["required"] == ["city"]
    assert lookup.to_openai()["function"]["name"] == "lookup"


def test_valid_call_runs():
    r = lookup({"city": "Velmor", "days": 2})
    assert r.ok and r.content == "Velmor:2:C:None"


@pytest.mark.parametrize(
    "args, field",
    [
        ({}, "city"),
        ({"city": 3}, "city"),
        ({"city": "x", "days": "two"}, "days"),
        ({"city": "x", "units": "K"}, "units"),
        ({"city": "x", "bogus": 1}, "bogus"),
    ],
)
def test_invalid_arguments_name_the_field(args, field):
    r = lookup(args)
    assert not r.ok and r.error_kind == "invalid_arguments"
    assert f"'{field}'" in r.content and r.metadata["field"] == field


def test_non_object_arguments():
    r = lookup(["Velmor"])
    assert not r.ok and r.error_kind == "invalid_arguments"


def test_tool_exception_becomes_result():
    @tool
    def boom(x: int) -> int:
        """Fail."""
        raise RuntimeError("nope")

    r = boom({"x": 1})
    assert not r.ok and r.error_kind == "exception" and "RuntimeError: nope" in r.content


def test_untyped_parameter_is_rejected():
    def f(x):
        return x

    with pytest.raises(ToolGymError, match="type hint"):
        FunctionTool(f)
