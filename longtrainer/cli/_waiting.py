"""Waiting out a rate limit: a countdown bar, then the same request again."""

import math
from collections.abc import Awaitable, Callable
from typing import TypeVar

import anyio
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn

from ..client import RateLimited

T = TypeVar("T")

# Redraws per second: enough for a smooth bar, little work while waiting.
_STEP = 0.1

_LAYERS = {"bot": "bot share", "tenant": "tenant ceiling"}


def progress_bar(console: Console, *, transient: bool = False) -> Progress:
    """The bar ``until_admitted`` draws its countdowns on."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(bar_width=24),
        console=console,
        transient=transient,
    )


async def until_admitted(send: Callable[[], Awaitable[T]], progress: Progress) -> T:
    """Await ``send()`` until it is not rate limited, counting down between tries.

    There is no limit on the tries: a refusal always says when the budget is
    back. Any other error is raised; cancelling stops the countdown at once.
    """
    while True:
        try:
            return await send()
        except RateLimited as refusal:
            await count_down(progress, refusal)


async def count_down(progress: Progress, refusal: RateLimited) -> None:
    """Show the refusal and a bar filling until its ``retry_after`` has passed."""
    seconds = refusal.retry_after
    if not progress.console.is_terminal:
        # No live bar off a terminal (a pipe, a log): say it once instead.
        progress.console.print(describe(refusal, seconds))
    task = progress.add_task(describe(refusal, seconds), total=seconds)
    start = anyio.current_time()
    try:
        while (elapsed := anyio.current_time() - start) < seconds:
            left = math.ceil(seconds - elapsed)
            progress.update(
                task, completed=elapsed, description=describe(refusal, left)
            )
            await anyio.sleep(min(_STEP, seconds - elapsed))
    finally:
        progress.remove_task(task)


def describe(refusal: RateLimited, seconds_left: float) -> str:
    """``rate limited by bot share for llm_calls, retrying in 14 s``."""
    cause = "rate limited"
    if refusal.layer in _LAYERS:
        cause += f" by {_LAYERS[refusal.layer]} for {refusal.label}"
    return f"{cause}, retrying in {seconds_left:g} s"
