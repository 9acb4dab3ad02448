"""Domain definitions: the @api decorator, tool specs, the domain registry."""

import pytest
from sqlalchemy.orm import Session

from toolgym.apis import ApiFunction, Domain, ToolSpec, api, get_domain
from toolgym.errors import ToolArgumentError, ToolGymError
from tests.apis.toy_domain import TOY, add


def test_schema_comes_from_type_hints_without_the_session():
    assert add.kind == "write"
    assert add.parameters["required"] == ["name", "amount"]
    assert set(add.parameters["properties"]) == {"name", "amount"}
    assert add.parameters["properties"]["amount"] == {"type": "integer", "description": "how much to add (may be negative)"}
    assert add.description.startswith("Add to a counter")


def test_validate_names_the_bad_field():
    with pytest.raises(ToolArgumentError) as err:
        add.validate({"name": "x", "amount": "two"})
    assert err.value.field == "amount"


def test_first_parameter_must_be_the_session():
    def no_db(name: str) -> str:
        return name

    with pytest.raises(ToolGymError, match="first parameter must be 'db'"):
        ApiFunction(no_db, "read")


def test_kind_must_be_read_or_write():
    def f(db: Session) -> str:
        return ""

    with pytest.raises(ToolGymError, match="kind"):
        api("delete")(f)


def test_spec_round_trips_and_rejects_bad_kind():
    spec = add.spec
    assert ToolSpec.from_dict(spec.to_dict()) == spec
    with pytest.raises(ValueError):
        ToolSpec.from_dict({**spec.to_dict(), "kind": "maybe"})


def test_duplicate_tool_names_are_refused():
    with pytest.raises(ToolGymError, match="duplicate"):
        Domain("dup", TOY.metadata, (add, add), "", TOY.seed, TOY.tasks)


def test_get_domain_by_name_path_and_instance():
    assert get_domain("retail").name == "retail"
    assert get_domain("tests.apis.toy_domain:TOY") is TOY
    assert get_domain(TOY) is TOY
    with pytest.raises(ValueError, match="unknown domain"):
        get_domain("nowhere")
    with pytest.raises(TypeError):
        get_domain("tests.apis.toy_domain:add")
