"""Built-in tools over HTTP: a token per call, 422 for refused arguments."""

from .helpers import new_bot


async def test_calculator_computes(acme):
    bot_id = await new_bot(acme)

    response = await acme.post(
        f"/bots/{bot_id}/tools/calculator",
        json={"arguments": {"expression": "(2 + 3) * 4 ** 2 / 8"}},
    )

    assert response.status_code == 200
    assert response.json() == {"tool": "calculator", "result": 10.0}
    assert '"tool-bot";r=29;' in response.headers["RateLimit"]


async def test_refused_arguments_are_422(acme):
    bot_id = await new_bot(acme)

    response = await acme.post(
        f"/bots/{bot_id}/tools/calculator",
        json={"arguments": {"expression": "__import__('os').getcwd()"}},
    )

    assert response.status_code == 422
    assert "unsupported syntax" in response.json()["detail"]


async def test_unknown_tool_is_404_and_costs_nothing(acme):
    bot_id = await new_bot(acme)

    response = await acme.post(f"/bots/{bot_id}/tools/shell", json={})

    assert response.status_code == 404
    assert "calculator" in response.json()["detail"]
    assert "RateLimit" not in response.headers


async def test_tools_are_listed(acme):
    names = [tool["name"] for tool in (await acme.get("/tools")).json()]

    assert names == ["calculator", "utc_now", "word_count"]
