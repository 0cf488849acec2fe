"""Server: `longtrainer serve` under concurrent HTTP load on loopback.

Requests per second and p50/p99 latency of an endpoint that takes a token
(POST /bots/{id}/embeddings), with limiting on (limits far above the load)
and off. Skips, saying why, when the `serve` command is not available.

    python benchmarks/server.py --quick
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter

import _common
import _serve
import httpx

CONCURRENCY = 32


async def _load(base: str, pid: int, requests: int, seconds: float) -> dict:
    """Drive `requests` calls (or `seconds`, whichever ends first)."""
    headers = {"X-API-Key": _serve.API_KEY}
    limits = httpx.Limits(max_connections=CONCURRENCY)
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits) as c:
        bot = (await c.post("/bots", json={"name": "bench"})).json()["bot_id"]
        url, body = f"/bots/{bot}/embeddings", {"input": ["hello world"]}
        latencies: list[float] = []
        statuses: Counter[int | str] = Counter()
        left = requests
        deadline = time.perf_counter() + seconds

        async def worker() -> None:
            nonlocal left
            while left > 0 and time.perf_counter() < deadline:
                left -= 1
                start = time.perf_counter()
                try:
                    response = await c.post(url, json=body)
                except httpx.TransportError as error:
                    # Counted, not fatal: a dropped keep-alive is the
                    # server's answer too, and the table shows how many.
                    statuses[type(error).__name__] += 1
                    continue
                latencies.append(time.perf_counter() - start)
                statuses[response.status_code] += 1

        for _ in range(min(200, requests)):  # warm up: imports, caches, pools
            await c.post(url, json=body)
        cpu = _serve.cpu_seconds(pid)
        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
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


def _measure(requests: int, seconds: float, rounds: int) -> dict[str, list[dict]]:
    runs: dict[str, list[dict]] = {"off": [], "on": []}
    # Alternate the two, so that a noisy neighbour on the machine hits both.
    for _ in range(rounds):
        for mode in ("off", "on"):
            with _serve.running(enabled=mode == "on") as (base, pid):
                runs[mode].append(asyncio.run(_load(base, pid, requests, seconds)))
    return runs


def _least_cpu(rounds: list[dict]) -> float | None:
    found = [r["server_cpu_ms"] for r in rounds if r["server_cpu_ms"] is not None]
    return min(found, default=None)


def main() -> None:
    args = _common.parser(__doc__.splitlines()[0]).parse_args()
    why = _serve.unavailable()
    if why:
        print(f"skipped: `longtrainer serve` is not available ({why})")
        _common.write_json(args.out, "server", {"skipped": why})
        return

    requests, seconds, rounds = (1500, 30.0, 5) if args.quick else (10000, 120.0, 7)
    runs = _measure(requests, seconds, rounds)

    # The best round of each: the one a busy machine disturbed least.
    best = {mode: max(r, key=lambda x: x["rps"]) for mode, r in runs.items()}
    cpu = {mode: _least_cpu(r) for mode, r in runs.items()}
    cost = 1 - best["on"]["rps"] / best["off"]["rps"]
    cpu_cost = cpu["on"] / cpu["off"] - 1 if cpu["on"] and cpu["off"] else None

    print(f"{CONCURRENCY} concurrent clients, {requests:,} requests x {rounds} rounds")
    headers = ["server", "req/s", "p50 ms", "p99 ms", "server CPU ms/req", "statuses"]
    rows = [
        [f"limiting {m}", b["rps"], b["p50_ms"], b["p99_ms"], cpu[m], b["statuses"]]
        for m, b in best.items()
    ]
    print(_common.table(headers, rows))
    print(f"cost of limiting: {cost:.1%} of requests per second", end="")
    print(f", {cpu_cost:+.1%} server CPU per request" if cpu_cost is not None else "")

    payload = {"concurrency": CONCURRENCY, "runs": runs, "best": best}
    payload |= {"cost": cost, "cpu_ms": cpu, "cpu_cost": cpu_cost}
    path = _common.write_json(args.out, "server", payload)
    print(f"wrote {_common.shown(path)}")


if __name__ == "__main__":
    main()
