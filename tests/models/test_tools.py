"""The calculator evaluates arithmetic and nothing else."""

import pytest

from longtrainer.models import ToolError
from longtrainer.models.tools import Calculator, WordCount


@pytest.mark.parametrize(
    ("expression", "result"),
    [
        ("1 + 2 * 3", 7),
        ("(1 + 2) * 3", 9),
        ("-2 ** 2", -4),
        ("7 // 2 + 7 % 2", 4),
        ("1.5 * 4", 6.0),
        ("2 ** -1", 0.5),
    ],
)
def test_arithmetic(expression, result):
    assert Calculator().run({"expression": expression}) == result


@pytest.mark.parametrize(
    ("expression", "reason"),
    [
        ("__import__('os').system('true')", "unsupported syntax"),
        ("(1).__class__", "unsupported syntax"),
        ("[1, 2]", "unsupported syntax"),
        ("'a' * 3", "unsupported syntax"),
        ("True + 1", "unsupported syntax"),
        ("x + 1", "unsupported syntax"),
        ("10 ** 10 ** 10", "exponent above"),
        ("1 / 0", "division by zero"),
        ("1e300 * 1e300", "too large"),
        ("(-8) ** 0.5", "not a real number"),
        ("1 +", "not an arithmetic expression"),
        ("9" * 201, "longer than"),
    ],
)
def test_anything_else_is_refused(expression, reason):
    with pytest.raises(ToolError, match=reason):
        Calculator().run({"expression": expression})


def test_missing_expression_is_refused():
    with pytest.raises(ToolError, match="needs 'expression'"):
        Calculator().run({})


def test_word_count():
    counts = WordCount().run({"text": "one two\nthree"})

    assert counts == {"characters": 13, "words": 3, "lines": 2}
