"""``python -m longtrainer``: the same as the ``longtrainer`` command."""

from .cli import app

app(prog_name="longtrainer")
