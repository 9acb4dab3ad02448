import argparse

import pytest

from toolgym.cli_args import key_value


def test_json_values_parse_and_other_text_stays_text():
    assert key_value("split=test") == ("split", "test")
    assert key_value("max_turns=3") == ("max_turns", 3)
    assert key_value('tags={"a": [1, 2]}') == ("tags", {"a": [1, 2]})
    assert key_value("expr=a=b") == ("expr", "a=b")


@pytest.mark.parametrize("bad", ["novalue", "=x", ""])
def test_malformed_pairs_are_argument_errors(bad):
    with pytest.raises(argparse.ArgumentTypeError, match="KEY=VALUE"):
        key_value(bad)
