"""Built-in tools: small, pure and safe to expose to any tenant.

The calculator parses arithmetic with ``ast`` and walks the tree itself;
it never calls ``eval``, so no Python reaches the interpreter.
"""

import ast
import operator
from datetime import UTC, datetime
from typing import Any

from .base import Tool, ToolError

_BINARY = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
_UNARY = {ast.UAdd: operator.pos, ast.USub: operator.neg}

# Bounds that keep one call cheap: 10 ** 10 ** 10 would hang a worker.
_MAX_EXPRESSION = 200
_MAX_EXPONENT = 1000
_MAX_MAGNITUDE = 1e100


class Calculator:
    """Evaluates arithmetic: numbers, + - * / // % **, parentheses."""

    name = "calculator"
    description = "Arithmetic on numbers, e.g. {'expression': '(2 + 3) * 4'}."

    def run(self, arguments: dict[str, Any]) -> float | int:
        expression = arguments.get("expression")
        if not isinstance(expression, str) or not expression.strip():
            raise ToolError("calculator needs 'expression', a non-empty string")
        if len(expression) > _MAX_EXPRESSION:
            raise ToolError(f"expression longer than {_MAX_EXPRESSION} characters")

        try:
            tree = ast.parse(expression, mode="eval")
        except SyntaxError:
            raise ToolError(f"not an arithmetic expression: {expression!r}") from None

        try:
            return _evaluate(tree.body)
        except ZeroDivisionError:
            raise ToolError("division by zero") from None
        except OverflowError:
            raise ToolError("result too large") from None


def _evaluate(node: ast.expr) -> float | int:
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return node.value
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        return _UNARY[type(node.op)](_evaluate(node.operand))
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        left, right = _evaluate(node.left), _evaluate(node.right)
        if isinstance(node.op, ast.Pow) and abs(right) > _MAX_EXPONENT:
            raise ToolError(f"exponent above {_MAX_EXPONENT}")
        return _bounded(_BINARY[type(node.op)](left, right))

    raise ToolError(f"unsupported syntax: {ast.unparse(node)!r}")


def _bounded(value: float | int | complex) -> float | int:
    if isinstance(value, complex):
        raise ToolError("the result is not a real number")
    if abs(value) > _MAX_MAGNITUDE:
        raise OverflowError
    return value


class WordCount:
    """Counts the characters, words and lines of a text."""

    name = "word_count"
    description = "Counts characters, words and lines: {'text': '...'}."

    def run(self, arguments: dict[str, Any]) -> dict[str, int]:
        text = arguments.get("text")
        if not isinstance(text, str):
            raise ToolError("word_count needs 'text', a string")

        return {
            "characters": len(text),
            "words": len(text.split()),
            "lines": len(text.splitlines()),
        }


class UtcNow:
    """Tells the current time in UTC, ISO 8601."""

    name = "utc_now"
    description = "The current date and time in UTC; takes no arguments."

    def run(self, arguments: dict[str, Any]) -> str:
        return datetime.now(UTC).isoformat(timespec="seconds")


def builtin_tools() -> dict[str, Tool]:
    """The built-in tools by name."""
    tools: list[Tool] = [Calculator(), WordCount(), UtcNow()]
    return {tool.name: tool for tool in tools}
