"""Shared tool helpers: money strings and the safe calculator."""

import pytest

from toolgym.apis import ApiError
from toolgym.apis.common import calculate, money


def test_money():
    assert money(1230) == "12.30" and money(5) == "0.05" and money(-250) == "-2.50" and money(0) == "0.00"


@pytest.mark.parametrize("expr, out", [("1 + 2 * 3", "7.00"), ("(19.99 + 5.01) * 2", "50.00"), ("-3 / 4", "-0.75"),
                                       ("10/3", "3.33")])
def test_calculate(expr, out):
    assert calculate(expr) == out


@pytest.mark.parametrize("expr", ["__import__('os')", "2 ** 8", "x + 1", "1 / 0", "(" * 300, "[1]", "'a' * 3"])
def test_calculate_refuses(expr):
    with pytest.raises(ApiError):
        calculate(expr)
