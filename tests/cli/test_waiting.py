"""until_admitted: a refusal is waited out and the same call made again."""

import io
from itertools import pairwise

import anyio
import pytest
from rich.console import Console

from longtrainer.cli._waiting import describe, progress_bar, until_admitted
from longtrainer.client import ApiError, RateLimited

BOT_REFUSAL = "Bot 'b' rate limit exceeded for llm_calls. Retry after 0.1s."


def quiet_bar():
    return progress_bar(Console(file=io.StringIO()))


def test_the_countdown_names_the_layer_and_the_resource():
    bot = RateLimited(BOT_REFUSAL, 14)
    tenant = RateLimited(
        "Tenant 'acme' rate limit exceeded for tool_calls. Retry after 3.0s.", 3
    )

    assert (
        describe(bot, 14) == "rate limited by bot share for llm_calls, retrying in 14 s"
    )
    assert describe(tenant, 3) == (
        "rate limited by tenant ceiling for tool_calls, retrying in 3 s"
    )
    assert describe(RateLimited("busy", 2), 2) == "rate limited, retrying in 2 s"


async def test_refusals_are_waited_out_as_often_as_needed():
    # Short retry_after values: the countdown itself is what is tested.
    answers = [RateLimited(BOT_REFUSAL, 0.05)] * 3 + ["answer"]
    sent = []

    async def send():
        sent.append(anyio.current_time())
        answer = answers[len(sent) - 1]
        if isinstance(answer, Exception):
            raise answer
        return answer

    with quiet_bar() as progress:
        result = await until_admitted(send, progress)
        left = list(progress.tasks)

    gaps = [later - earlier for earlier, later in pairwise(sent)]
    assert result == "answer"
    assert len(sent) == 4
    assert all(gap >= 0.05 for gap in gaps)
    assert left == []  # each countdown removed its bar


async def test_other_errors_are_not_retried():
    sent = []

    async def send():
        sent.append(1)
        raise ApiError(413, "too large")

    with quiet_bar() as progress, pytest.raises(ApiError, match="too large"):
        await until_admitted(send, progress)

    assert len(sent) == 1


async def test_cancelling_a_countdown_stops_it_and_removes_its_bar():
    async def send():
        raise RateLimited(BOT_REFUSAL, 60)

    with quiet_bar() as progress:
        with anyio.move_on_after(0.05):
            await until_admitted(send, progress)
        left = list(progress.tasks)

    assert left == []


def test_off_a_terminal_the_countdown_is_said_once():
    output = io.StringIO()
    calls = iter([RateLimited(BOT_REFUSAL, 0.05), "ok"])

    async def send():
        answer = next(calls)
        if isinstance(answer, Exception):
            raise answer
        return answer

    async def main():
        with progress_bar(Console(file=output)) as progress:
            return await until_admitted(send, progress)

    assert anyio.run(main) == "ok"
    assert "rate limited by bot share for llm_calls, retrying in 0.05 s" in (
        output.getvalue()
    )
