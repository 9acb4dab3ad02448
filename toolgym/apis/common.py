"""Helpers shared by domain tools: money formatting and a safe arithmetic calculator."""

from __future__ import annotations

import ast
import operator
from typing import Callable

from toolgym.apis.errors import ApiError

_BINARY: dict[type, Callable[[float, float], float]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
}
_MAX_EXPRESSION = 200


def money(cents: int) -> str:
    """Integer cents as a dollar string with two decimals: ``1230 -> "12.30"``."""
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


def calculate(expression: str) -> str:
    """Evaluate ``+ - * /`` and parentheses over numbers; the result rounded to 2 decimals.

    Raises :class:`ApiError` for anything else (names, calls, powers, division by zero), so a
    policy can never run code through it.
    """
    if len(expression) > _MAX_EXPRESSION:
        raise ApiError(f"expression longer than {_MAX_EXPRESSION} characters")
    try:
        tree = ast.parse(expression, mode="eval")
    except SyntaxError:
        raise ApiError("invalid expression") from None

    def ev(node: ast.AST) -> float:
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.Constant) and type(node.value) in (int, float):
            return float(node.value)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            return -ev(node.operand) if isinstance(node.op, ast.USub) else ev(node.operand)
        if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            return _BINARY[type(node.op)](ev(node.left), ev(node.right))
        raise ApiError("only numbers, + - * / and parentheses are allowed")

    try:
        value = ev(tree)
    except ZeroDivisionError:
        raise ApiError("division by zero") from None
    except RecursionError:
        raise ApiError("expression nested too deeply") from None
    return f"{round(value, 2):.2f}"
