"""Server: `longtrainer serve` under concurrent HTTP load on loopback.

Requests per second, p50/p99 latency and the server's CPU per request of an
endpoint that takes a token (POST /bots/{id}/embeddings), with limiting off,
on (limits far above the load), and on with 1,000 other bots of the tenant
active. Skips, saying why, when the `serve` command is not available.

    python benchmarks/server.py --quick
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections import Counter

import _common
import _serve
import httpx

CONCURRENCY = 32
CROWD = 1000  # other active bots of the same tenant, in the "crowd" mode

# mode -> (limiting enabled, other active bots in the tenant)
MODES = {"off": (False, 0), "on": (True, 0), "crowd": (True, CROWD)}


async def _crowd(client: httpx.AsyncClient, bots: int) -> None:
    """Make `bots` more bots of the tenant active: one call each."""
    made = await asyncio.gather(
        *(client.post("/bots", json={"name": f"crowd-{i}"}) for i in range(bots))
    )
    urls = [f"/bots/{r.json()['bot_id']}/embeddings" for r in made]
    body = {"input": ["hello"]}
    await asyncio.gather(*(client.post(url, json=body) for url in urls))


async def _load(base: str, pid: int, requests: int, crowd: int) -> dict:
    """Drive `requests` calls on one bot, beside `crowd` other active bots."""
    headers = {"X-API-Key": _serve.API_KEY}
    limits = httpx.Limits(max_connections=CONCURRENCY)
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits) as c:
        bot = (await c.post("/bots", json={"name": "bench"})).json()["bot_id"]
        url, body = f"/bots/{bot}/embeddings", {"input": ["hello world"]}
        for _ in range(min(200, requests)):  # warm up: imports, caches, pools
            await c.post(url, json=body)
        await _crowd(c, crowd)

        cpu = _serve.cpu_seconds(pid)
        start = time.perf_counter()
        latencies, statuses = await _drive(c, url, body, requests)
        elapsed = time.perf_counter() - start
        if cpu is not None:
            cpu = (_serve.cpu_seconds(pid) - cpu) / max(1, len(latencies))

    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50_ms": _common.percentile(latencies, 50) * 1e3,
        "p99_ms": _common.percentile(latencies, 99) * 1e3,
        "server_cpu_ms": cpu * 1e3 if cpu is not None else None,
        "statuses": dict(statuses),
    }


async def _drive(client, url: str, body: dict, requests: int):
    """`requests` calls from CONCURRENCY workers; latencies and statuses."""
    latencies: list[float] = []
    statuses: Counter[int | str] = Counter()
    left = requests

    async def worker() -> None:
        nonlocal left
        while left > 0:
            left -= 1
            start = time.perf_counter()
            try:
                response = await client.post(url, json=body)
            except httpx.TransportError as error:
                # Counted, not fatal: a dropped keep-alive is the server's
                # answer too, and the table shows how many.
                statuses[type(error).__name__] += 1
                continue
            latencies.append(time.perf_counter() - start)
            statuses[response.status_code] += 1

    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    return latencies, statuses


def _measure(requests: int, rounds: int) -> dict[str, list[dict]]:
    runs: dict[str, list[dict]] = {mode: [] for mode in MODES}
    # Alternate the modes, so that a noisy neighbour on the machine hits all.
    for _ in range(rounds):
        for mode, (enabled, crowd) in MODES.items():
            with _serve.running(enabled=enabled) as (base, pid):
                runs[mode].append(asyncio.run(_load(base, pid, requests, crowd)))
    return runs


def _median_round(rounds: list[dict]) -> dict:
    """Each figure's median over the rounds (statuses summed)."""
    found = {}
    for key in ("rps", "p50_ms", "p99_ms", "server_cpu_ms"):
        values = [r[key] for r in rounds if r[key] is not None]
        found[key] = statistics.median(values) if values else None
    statuses: Counter = Counter()
    for r in rounds:
        statuses.update(r["statuses"])
    return found | {"statuses": dict(statuses)}


def main() -> None:
    args = _common.parser(__doc__.splitlines()[0]).parse_args()
    why = _serve.unavailable()
    if why:
        print(f"skipped: `longtrainer serve` is not available ({why})")
        _common.write_json(args.out, "server", {"skipped": why})
        return

    requests, rounds = (1200, 5) if args.quick else (10000, 7)
    runs = _measure(requests, rounds)

    # The median round of each mode: on a shared machine a round may be
    # slowed, or spared, by the neighbours' load; the median is neither.
    middle = {mode: _median_round(r) for mode, r in runs.items()}
    cpu = {mode: r["server_cpu_ms"] for mode, r in middle.items()}
    cost = 1 - middle["on"]["rps"] / middle["off"]["rps"]
    cpu_cost = cpu["on"] / cpu["off"] - 1 if cpu["on"] and cpu["off"] else None

    print(f"{CONCURRENCY} clients, {requests:,} requests x {rounds} rounds (medians)")
    headers = ["server", "req/s", "p50 ms", "p99 ms", "server CPU ms/req", "statuses"]
    label = {"off": "limiting off", "on": "limiting on"}
    label["crowd"] = f"limiting on, {CROWD} other bots active"
    rows = [
        [label[m], b["rps"], b["p50_ms"], b["p99_ms"], cpu[m], b["statuses"]]
        for m, b in middle.items()
    ]
    print(_common.table(headers, rows))
    print(f"cost of limiting: {cost:.1%} of requests per second", end="")
    print(f", {cpu_cost:+.1%} server CPU per request" if cpu_cost is not None else "")
    crowd_cost = 1 - middle["crowd"]["rps"] / middle["off"]["rps"]
    print(f"with {CROWD} other active bots in the tenant: {crowd_cost:.1%}")

    payload = {"concurrency": CONCURRENCY, "runs": runs, "median": middle}
    payload |= {"cost": cost, "cpu_ms": cpu, "cpu_cost": cpu_cost}
    payload |= {"crowd": CROWD, "crowd_cost": crowd_cost}
    path = _common.write_json(args.out, "server", payload)
    print(f"wrote {_common.shown(path)}")


if __name__ == "__main__":
    main()
