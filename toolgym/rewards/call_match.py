"""Strict function-call matching with the rules of BFCL's AST checker (Python categories).

The gold of a call-graded task is BFCL's format, which any env can use:

* ``functions``: the function documents offered to the policy, each ``{"name", "description",
  "parameters": {"type": "dict", "properties": {...}, "required": [...]}}`` with BFCL's parameter
  types (``string``, ``integer``, ``float``, ``boolean``, ``array``, ``tuple``, ``dict``, ``any``);
* ``answers``: one entry per expected call, ``{function_name: {param: [acceptable values...]}}``;
  ``""`` among the acceptable values means the parameter may be left out.

A turn's calls match when there are exactly as many calls as answers and every answer can be paired
with its own call (any order) that passes :func:`check_call`. The rules, in full, are in
``docs/rewards.md`` ("Tool calls"); in short, a call passes when

1. its name is the answer's function name (exactly);
2. every parameter the document marks required is present, every given parameter is both in the
   document and in the answer, and every answer parameter that is left out accepts ``""``;
3. each value has the document's type (``int`` and ``float`` differ, ``bool`` is not a number; an
   ``int`` is accepted where the document says ``float``; array items are type-checked one level
   deep); when the answer's values have another type than the document's (BFCL writes variables as
   strings), a value of the answer's type is compared exactly instead;
4. each value is one of the acceptable ones: strings after :func:`normalize_string` (case, spaces
   and ``,./-_*^`` ignored), lists element-wise with their strings normalized, dicts key by key
   (keys must be known, missing keys must accept ``""``), lists of dicts dict by dict in order,
   anything else by Python equality.

Agreement with ``bfcl-eval``'s own checker is measured in ``tests/rewards/test_call_match_bfcl.py``.
Where the two differ by design: BFCL pairs parallel calls greedily (first fit), this module finds a
perfect pairing whenever one exists, and malformed input is a non-match here instead of an exception.

>>> functions = [{"name": "area", "parameters": {"type": "dict", "required": ["base"], "properties": {
...     "base": {"type": "float"}, "unit": {"type": "string"}}}}]
>>> answers = [{"area": {"base": [10.0], "unit": ["cm", ""]}}]
>>> match_calls([("area", {"base": 10})], functions, answers).ok      # int accepted for float
True
>>> match_calls([("area", {"base": 10, "unit": "CM"})], functions, answers).ok
True
>>> match_calls([("area", {"base": 10, "color": "red"})], functions, answers).reason
"call 0 (area): unexpected parameter 'color'"
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

#: BFCL's parameter types and the JSON value type each expects (``tuple`` arrives as a JSON array;
#: ``any`` is checked as a string, as BFCL does). ``number``/``object``/``list`` are aliases.
VALUE_TYPES: dict[str, type] = {
    "string": str,
    "integer": int,
    "float": float,
    "number": float,
    "boolean": bool,
    "array": list,
    "list": list,
    "tuple": list,
    "dict": dict,
    "object": dict,
    "any": str,
}
#: Types whose items are type-checked (one level deep).
_SEQUENCE_TYPES = frozenset({"array", "list", "tuple"})
#: What string normalization ignores: spaces and these punctuation marks.
_IGNORED = re.compile(r"[ ,./\-_*^]")
#: The acceptable-value marker for "this parameter may be left out".
OMITTED = ""
_LEAVE_OUT = object()

CallLike = Any  # a (name, arguments) pair, or an object with ``name`` and ``arguments``


@dataclass(frozen=True)
class MatchResult:
    """Whether a turn's calls match the answers; ``reason`` says why not (``""`` when they do)."""

    ok: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.ok


def normalize_string(text: str) -> str:
    """BFCL's string comparison key: lower case, without spaces and ``,./-_*^``, ``'`` as ``"``.

    >>> normalize_string("April 1, 2024") == normalize_string("april 1 2024")
    True
    """
    return _IGNORED.sub("", text).lower().replace("'", '"')


def call_parts(call: CallLike) -> tuple[str, Any]:
    """``(name, arguments)`` of a pair or of a :class:`~toolgym.types.ToolCall`; a call that failed
    to parse gets the name ``""`` so that it matches nothing."""
    if isinstance(call, tuple) and len(call) == 2:
        return (call[0] if isinstance(call[0], str) else ""), call[1]
    if getattr(call, "parse_error", None):
        return "", {}
    name = getattr(call, "name", "")
    return (name if isinstance(name, str) else ""), getattr(call, "arguments", None)


def answer_parts(answer: Any) -> tuple[str, Mapping[str, Any]]:
    """``(function name, {param: acceptable values})`` of one gold answer entry."""
    if not isinstance(answer, Mapping) or len(answer) != 1:
        raise ValueError(f"a gold answer must be a one-key mapping {{name: params}}, got {answer!r}")
    ((name, params),) = answer.items()
    if not isinstance(params, Mapping):
        raise ValueError(f"the parameters of gold answer {name!r} must be a mapping")
    return name, params


def find_function(functions: Sequence[Mapping[str, Any]], name: str) -> Mapping[str, Any] | None:
    """The document named ``name`` among ``functions`` (None when absent)."""
    for doc in functions:
        if isinstance(doc, Mapping) and doc.get("name") == name:
            return doc
    return None


def check_call(call: CallLike, doc: Mapping[str, Any], accepted: Mapping[str, Any]) -> str | None:
    """Why ``call`` does not pass for the function ``doc`` with acceptable values ``accepted``,
    or None when it passes."""
    name, args = call_parts(call)
    if name != doc.get("name"):
        return f"expected function {doc.get('name')!r}, got {name!r}"
    if not isinstance(args, Mapping):
        return "arguments are not an object"
    schema = doc.get("parameters") or {}
    properties = schema.get("properties") or {}
    for param in schema.get("required") or ():
        if param not in args:
            return f"missing required parameter {param!r}"
    for param, value in args.items():
        if param not in properties or param not in accepted:
            return f"unexpected parameter {param!r}"
        problem = check_value(value, properties[param], accepted[param])
        if problem is not None:
            return f"parameter {param!r}: {problem}"
    for param, values in accepted.items():
        if param not in args and not _accepts_omission(values):
            return f"missing parameter {param!r}"
    return None


def check_value(value: Any, spec: Mapping[str, Any], accepted: Any) -> str | None:
    """Why one argument value fails its parameter ``spec`` and acceptable values, or None."""
    if not isinstance(accepted, list):
        return "the gold lists no acceptable values"
    type_name = spec.get("type") if isinstance(spec, Mapping) else None
    expected = VALUE_TYPES.get(type_name) if isinstance(type_name, str) else None
    if expected is None:
        return f"unsupported parameter type {type_name!r}"
    if expected is float and type(value) is int:
        try:
            value = float(value)  # an int is fine where a float is expected
        except OverflowError:
            return f"{_show(value)} is too large for a float"
    answer_type = _answer_type(accepted)
    # BFCL writes some values as strings where the document says otherwise (variables): then a
    # value of the answer's type is compared exactly, with no normalization.
    literal = answer_type is not None and answer_type is not expected
    if type(value) is expected:
        if type_name in _SEQUENCE_TYPES and not _items_typed(value, spec, accepted):
            return f"items of {_show(value)} do not have the expected type"
    elif answer_type is not None and type(value) is answer_type:
        literal = True
    else:
        return f"expected type {type_name}, got {_json_type(value)}"
    if not literal:
        item_type = _item_type(spec)
        if expected is dict:
            return None if _dict_ok(value, accepted) else f"{_show(value)} is not an acceptable dict"
        if expected is list and item_type is dict:
            return None if _dict_list_ok(value, accepted) else f"{_show(value)} is not an acceptable list"
        if expected is str:
            options = {normalize_string(a) for a in accepted if type(a) is str}
            return None if normalize_string(value) in options else f"{_show(value)} is not acceptable"
        if expected is list:
            options = [_normalize_list(a) for a in accepted if isinstance(a, (list, str))]
            return None if _normalize_list(value) in options else f"{_show(value)} is not acceptable"
    return None if _contains(accepted, value) else f"{_show(value)} is not acceptable"


def match_calls(
    calls: Sequence[CallLike],
    functions: Sequence[Mapping[str, Any]],
    answers: Sequence[Mapping[str, Any]],
) -> MatchResult:
    """Do ``calls`` (one turn) match ``answers`` exactly, in any order? See the module docstring."""
    calls = list(calls)
    if len(calls) != len(answers):
        return MatchResult(False, f"expected {len(answers)} call(s), got {len(calls)}")
    passes: list[list[int]] = []
    for i, answer in enumerate(answers):
        name, accepted = answer_parts(answer)
        doc = find_function(functions, name)
        if doc is None:
            raise ValueError(f"gold answer {i} calls {name!r}, which no function document describes")
        problems = [check_call(c, doc, accepted) for c in calls]
        passes.append([j for j, p in enumerate(problems) if p is None])
        if not passes[-1]:
            return MatchResult(False, _first_problem(calls, problems, name))
    if not _perfect_pairing(passes, len(calls)):
        return MatchResult(False, "the calls cannot be paired one-to-one with the expected calls")
    return MatchResult(True)


def reference_arguments(doc: Mapping[str, Any], accepted: Mapping[str, Any]) -> dict[str, Any]:
    """Arguments that pass :func:`check_call`, built from the acceptable values: per parameter the
    first acceptable choice (``""`` first means "leave it out" unless the document requires it);
    dict-valued golds (``{key: [values]}``) resolve to their first acceptable value per key.

    Raises ``ValueError`` when no such arguments exist (a gold that no call can satisfy).
    """
    schema = doc.get("parameters") or {}
    properties = schema.get("properties") or {}
    required = set(schema.get("required") or ())
    args: dict[str, Any] = {}
    for param, options in accepted.items():
        spec = properties.get(param)
        chosen: Any = _LEAVE_OUT
        for option in options if isinstance(options, list) else ():
            if type(option) is str and option == OMITTED:
                if param not in required:
                    break  # chosen stays _LEAVE_OUT
                continue
            value = _resolve(option, spec) if spec is not None else option
            if spec is not None and check_value(value, spec, options) is None:
                chosen = value
                break
        else:
            raise ValueError(f"no acceptable value of {param!r} passes for {doc.get('name')!r}")
        if chosen is not _LEAVE_OUT:
            args[param] = chosen
    problem = check_call((doc.get("name", ""), args), doc, accepted)
    if problem is not None:
        raise ValueError(f"the reference arguments of {doc.get('name')!r} do not pass: {problem}")
    return args


def _resolve(option: Any, spec: Mapping[str, Any]) -> Any:
    """A concrete value from a gold option: nested ``{key: [values]}`` dicts take their first value
    per key (keys whose first value is ``""`` are left out)."""
    expected = VALUE_TYPES.get(spec.get("type")) if isinstance(spec.get("type"), str) else None
    if expected is dict and isinstance(option, Mapping):
        return _resolve_dict(option)
    if expected is list and _item_type(spec) is dict and isinstance(option, list):
        return [_resolve_dict(o) if isinstance(o, Mapping) else o for o in option]
    return option


def _resolve_dict(option: Mapping[str, Any]) -> dict[str, Any]:
    out = {}
    for key, values in option.items():
        if isinstance(values, list) and values and not (type(values[0]) is str and values[0] == OMITTED):
            out[key] = values[0]
    return out


# ---------------------------------------------------------------------------------- internals
def _accepts_omission(values: Any) -> bool:
    return isinstance(values, list) and any(type(v) is str and v == OMITTED for v in values)


def _answer_type(accepted: Sequence[Any]) -> type | None:
    """The type of the first acceptable value that is not the omission marker."""
    for a in accepted:
        if not (type(a) is str and a == OMITTED):
            return type(a)
    return None


def _item_type(spec: Mapping[str, Any]) -> type | None:
    items = spec.get("items")
    name = items.get("type") if isinstance(items, Mapping) else None
    return VALUE_TYPES.get(name) if isinstance(name, str) else None


def _items_typed(value: list[Any], spec: Mapping[str, Any], accepted: Sequence[Any]) -> bool:
    """One-level item type check: some acceptable option admits every item's type (an option that
    is not a list, such as the omission marker, admits any items)."""
    item_type = _item_type(spec)
    if item_type is None:
        return False
    for option in accepted:
        if not isinstance(option, list):
            return True
        option_type = _answer_type(option)
        if all(type(v) is item_type or (option_type is not None and type(v) is option_type) for v in value):
            return True
    return False


def _normalize_list(value: list[Any] | str) -> list[Any]:
    """A list with its string items normalized (the omission marker counts as the empty list)."""
    items = list(value)
    return [normalize_string(v) if type(v) is str else v for v in items]


def _dict_ok(value: Mapping[str, Any], accepted: Sequence[Any]) -> bool:
    """Some acceptable dict admits ``value``: known keys, acceptable values, omissible missing keys."""
    for option in accepted:
        if not isinstance(option, Mapping):
            continue
        if _dict_matches(value, option):
            return True
    return False


def _dict_matches(value: Any, option: Mapping[str, Any]) -> bool:
    if not isinstance(value, Mapping):
        return False
    for key, item in value.items():
        if key not in option or not isinstance(option[key], list):
            return False
        normalized = normalize_string(item) if type(item) is str else item
        options = [normalize_string(a) if type(a) is str else a for a in option[key]]
        if not _contains(options, normalized):
            return False
    return all(key in value or _accepts_omission(values) for key, values in option.items())


def _dict_list_ok(value: list[Any], accepted: Sequence[Any]) -> bool:
    """Some acceptable list of dicts has as many dicts as ``value``, each admitting its own."""
    for option in accepted:
        if not isinstance(option, (list, str)) or len(option) != len(value):
            continue
        if all(isinstance(o, Mapping) and _dict_matches(v, o) for v, o in zip(value, option)):
            return True
    return False


def _contains(options: Sequence[Any], value: Any) -> bool:
    """``value in options`` with Python equality, never raising on odd values."""
    try:
        return any(value == o for o in options)
    except Exception:  # noqa: BLE001 - exotic comparisons count as different
        return False


def _perfect_pairing(passes: list[list[int]], n_calls: int) -> bool:
    """Can every answer get its own call among those that pass for it (augmenting paths)?"""
    owner: list[int | None] = [None] * n_calls

    def place(answer: int, seen: set[int]) -> bool:
        for call in passes[answer]:
            if call in seen:
                continue
            seen.add(call)
            current = owner[call]
            if current is None or place(current, seen):
                owner[call] = answer
                return True
        return False

    return all(place(a, set()) for a in range(len(passes)))


def _first_problem(calls: list[CallLike], problems: list[str | None], name: str) -> str:
    same_name = [i for i, c in enumerate(calls) if call_parts(c)[0] == name]
    if not same_name:
        return f"no call to {name!r}"
    i = same_name[0]
    return f"call {i} ({name}): {problems[i]}"


def _json_type(value: Any) -> str:
    return {str: "string", int: "integer", float: "float", bool: "boolean", list: "array", dict: "dict"}.get(
        type(value), type(value).__name__
    )


def _show(value: Any, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
