"""The BFCL-equivalent call matcher, attacked first: every way a policy could get paid wrongly.

These cases are written here (no BFCL data); agreement with bfcl-eval's own checker on BFCL's data
is measured in test_call_match_bfcl.py.
"""

from __future__ import annotations

import pytest

from toolgym.rewards.call_match import check_value, match_calls, normalize_string, reference_arguments
from toolgym.types import ToolCall

AREA = {
    "name": "geo.area",
    "description": "Area of a rectangle.",
    "parameters": {
        "type": "dict",
        "required": ["width", "height"],
        "properties": {
            "width": {"type": "float"},
            "height": {"type": "integer"},
            "unit": {"type": "string"},
            "exact": {"type": "boolean"},
            "tags": {"type": "array", "items": {"type": "string"}},
            "weights": {"type": "array", "items": {"type": "float"}},
            "options": {"type": "dict", "properties": {"mode": {"type": "string"}, "level": {"type": "integer"}}},
            "filters": {"type": "array", "items": {"type": "dict"}},
            "note": {"type": "string"},
        },
    },
}
SEND = {
    "name": "send",
    "parameters": {"type": "dict", "required": ["to"], "properties": {"to": {"type": "string"}, "n": {"type": "integer"}}},
}
FUNCTIONS = [AREA, SEND]


def area_gold(**extra):
    params = {"width": [2.5], "height": [4], "unit": ["square meters", ""], "exact": [True, ""]}
    params.update(extra)
    return [{"geo.area": params}]


def ok(calls, answers, functions=FUNCTIONS) -> bool:
    return match_calls(calls, functions, answers).ok


# ------------------------------------------------------------------ names and parameters
def test_the_reference_call_matches():
    assert ok([("geo.area", {"width": 2.5, "height": 4})], area_gold())
    assert ok([("geo.area", {"width": 2.5, "height": 4, "unit": "square meters", "exact": True})], area_gold())


@pytest.mark.parametrize("name", ["geo_area", "Geo.Area", "geo.area ", "area", "send", ""])
def test_a_wrong_function_name_never_matches(name):
    assert not ok([(name, {"width": 2.5, "height": 4})], area_gold())


def test_unknown_and_unexpected_parameters_are_rejected():
    assert not ok([("geo.area", {"width": 2.5, "height": 4, "color": "red"})], area_gold())
    # "note" is in the document but the gold does not expect it: also unexpected.
    assert not ok([("geo.area", {"width": 2.5, "height": 4, "note": "hi"})], area_gold())


def test_missing_parameters():
    assert not ok([("geo.area", {"width": 2.5})], area_gold())  # required
    # In the gold without "" among its values: must be given even though the document calls it optional.
    gold = area_gold(unit=["square meters"])
    assert not ok([("geo.area", {"width": 2.5, "height": 4})], gold)
    assert ok([("geo.area", {"width": 2.5, "height": 4, "unit": "square meters"})], gold)


# ------------------------------------------------------------------ types
@pytest.mark.parametrize(
    "args, expected",
    [
        ({"width": 2.5, "height": 4}, True),
        ({"width": 2.5, "height": 4.0}, False),  # float where the document says integer
        ({"width": 2.5, "height": True}, False),  # bool is not an integer
        ({"width": 2.5, "height": "4"}, False),
        ({"width": "2.5", "height": 4}, False),
        ({"width": 2.5, "height": [4]}, False),
        ({"width": 2.5, "height": 4, "exact": 1}, False),  # 1 is not a boolean
        ({"width": 2.5, "height": 4, "exact": "true"}, False),
    ],
)
def test_types_are_strict(args, expected):
    assert ok([("geo.area", args)], area_gold()) is expected


def test_an_int_is_accepted_where_the_document_says_float():
    assert ok([("geo.area", {"width": 3, "height": 4})], area_gold(width=[3.0]))
    assert not ok([("geo.area", {"width": 3, "height": 4})], area_gold(width=[3.5]))


def test_array_items_are_type_checked():
    gold = area_gold(weights=[[1.0, 2.0]])
    assert ok([("geo.area", {"width": 2.5, "height": 4, "weights": [1.0, 2.0]})], gold)
    # Unlike a top-level float parameter, ints inside a float array are a type error (BFCL's rule).
    assert not ok([("geo.area", {"width": 2.5, "height": 4, "weights": [1, 2]})], gold)
    assert not ok([("geo.area", {"width": 2.5, "height": 4, "weights": "1.0, 2.0"})], gold)


# ------------------------------------------------------------------ values
def test_several_acceptable_values():
    gold = area_gold(unit=["square meters", "m2", "sqm"])
    for unit in ("square meters", "m2", "sqm"):
        assert ok([("geo.area", {"width": 2.5, "height": 4, "unit": unit})], gold)
    assert not ok([("geo.area", {"width": 2.5, "height": 4, "unit": "feet"})], gold)
    assert not ok([("geo.area", {"width": 2.6, "height": 4})], area_gold())
    assert not ok([("geo.area", {"width": 2.5, "height": 5})], area_gold())
    assert not ok([("geo.area", {"width": 2.5, "height": 4, "exact": False})], area_gold())


@pytest.mark.parametrize("unit", ["Square Meters", "SQUARE METERS", "squaremeters", "square-meters", "square_meters", " square meters.", "square/meters"])
def test_strings_compare_without_case_spaces_or_some_punctuation(unit):
    assert ok([("geo.area", {"width": 2.5, "height": 4, "unit": unit})], area_gold())


@pytest.mark.parametrize("unit", ["square meters!", "square\tmeters", "square metres", "square meter", "meters square"])
def test_other_string_changes_are_different_values(unit):
    assert not ok([("geo.area", {"width": 2.5, "height": 4, "unit": unit})], area_gold())


def test_normalize_string():
    assert normalize_string("It's 1,000.5 m/s^2 - A_B*C") == 'it"s10005ms2abc'


def test_lists_keep_their_order_and_normalize_their_strings():
    gold = area_gold(tags=[["red", "big blue"], ""])
    assert ok([("geo.area", {"width": 2.5, "height": 4, "tags": ["RED", "bigblue"]})], gold)
    assert not ok([("geo.area", {"width": 2.5, "height": 4, "tags": ["big blue", "red"]})], gold)
    assert not ok([("geo.area", {"width": 2.5, "height": 4, "tags": ["red"]})], gold)
    assert ok([("geo.area", {"width": 2.5, "height": 4})], gold)


def test_dicts_key_by_key():
    gold = area_gold(options=[{"mode": ["fast", "quick"], "level": [1, ""]}])
    assert ok([("geo.area", {"width": 2.5, "height": 4, "options": {"mode": "Quick", "level": 1}})], gold)
    assert ok([("geo.area", {"width": 2.5, "height": 4, "options": {"mode": "fast"}})], gold)
    assert not ok([("geo.area", {"width": 2.5, "height": 4, "options": {"level": 1}})], gold)  # mode missing
    assert not ok([("geo.area", {"width": 2.5, "height": 4, "options": {"mode": "fast", "x": 1}})], gold)
    assert not ok([("geo.area", {"width": 2.5, "height": 4, "options": {"mode": "slow"}})], gold)


def test_lists_of_dicts_in_order():
    gold = area_gold(filters=[[{"field": ["age"], "op": [">"]}, {"field": ["job"], "op": ["="]}]])
    good = [{"field": "age", "op": ">"}, {"field": "job", "op": "="}]
    assert ok([("geo.area", {"width": 2.5, "height": 4, "filters": good})], gold)
    assert not ok([("geo.area", {"width": 2.5, "height": 4, "filters": good[::-1]})], gold)
    assert not ok([("geo.area", {"width": 2.5, "height": 4, "filters": good[:1]})], gold)
    assert not ok([("geo.area", {"width": 2.5, "height": 4, "filters": [*good, good[0]]})], gold)


def test_values_written_as_variables_compare_exactly():
    # BFCL's gold sometimes holds a string (a variable name) for a non-string parameter.
    gold = [{"send": {"to": ["bob"], "n": ["count"]}}]
    assert ok([("send", {"to": "bob", "n": "count"})], gold)
    assert not ok([("send", {"to": "bob", "n": "Count"})], gold)  # no normalization then
    assert not ok([("send", {"to": "bob", "n": 3})], gold)


# ------------------------------------------------------------------ several calls
def test_parallel_calls_in_any_order_with_exact_counts():
    gold = [{"send": {"to": ["ann"], "n": [1, ""]}}, {"send": {"to": ["bob"], "n": [2]}}]
    a, b = ("send", {"to": "ann"}), ("send", {"to": "bob", "n": 2})
    assert ok([a, b], gold) and ok([b, a], gold)
    assert not ok([a], gold)
    assert not ok([a, b, b], gold)
    assert not ok([a, a], gold)
    assert not ok([], gold)
    assert not ok([a, b, ("send", {"to": "carl"})], gold)


def test_parallel_pairing_is_not_greedy():
    # The first expected call accepts both "ann" and "bob"; a greedy first fit that gives it the
    # "bob" call leaves nothing for the second. A one-to-one pairing exists, so this matches.
    gold = [{"send": {"to": ["ann", "bob"]}}, {"send": {"to": ["bob"]}}]
    assert ok([("send", {"to": "bob"}), ("send", {"to": "ann"})], gold)
    assert not ok([("send", {"to": "ann"}), ("send", {"to": "ann"})], gold)


def test_malformed_calls_and_junk_arguments_never_match_or_raise():
    gold = [{"send": {"to": ["bob"]}}]
    assert not ok([ToolCall("send", {"to": "bob"}, parse_error="bad JSON")], gold)
    assert ok([ToolCall("send", {"to": "bob"})], gold)
    for args in (None, [], "to=bob", 5, {"to": None}, {"to": {"nested": "bob"}}, {"to": float("nan")}):
        assert not ok([("send", args)], gold)
    assert not ok([(None, {"to": "bob"})], gold)
    # An integer too large for a float where a float is expected: a non-match, not an exception.
    assert not ok([("geo.area", {"width": 10**400, "height": 4})], area_gold())


def test_a_gold_naming_no_document_is_a_data_error():
    with pytest.raises(ValueError, match="no function document"):
        match_calls([("send", {"to": "bob"})], [AREA], [{"send": {"to": ["bob"]}}])


def test_check_value_reports_why():
    assert check_value(4.0, {"type": "integer"}, [4]) == "expected type integer, got float"
    assert check_value(4, {"type": "integer"}, [4]) is None
    assert "unsupported" in check_value(4, {"type": "complex"}, [4])


# ------------------------------------------------------------------ reference arguments
def test_reference_arguments_take_the_first_acceptable_value():
    assert reference_arguments(AREA, area_gold()[0]["geo.area"]) == {"width": 2.5, "height": 4, "unit": "square meters", "exact": True}
    params = area_gold(unit=["", "m"], options=[{"mode": ["fast"], "level": ["", 2]}])[0]["geo.area"]
    args = reference_arguments(AREA, params)
    assert "unit" not in args and args["options"] == {"mode": "fast"}
    assert match_calls([("geo.area", args)], FUNCTIONS, [{"geo.area": params}]).ok


def test_reference_arguments_of_a_required_parameter_skip_the_omission_marker():
    params = area_gold(height=["", 7])[0]["geo.area"]
    assert reference_arguments(AREA, params)["height"] == 7


def test_reference_arguments_of_an_unsatisfiable_gold_raise():
    with pytest.raises(ValueError):
        reference_arguments(AREA, area_gold(height=["seven point five"], color=["red"])[0]["geo.area"])
