"""The FastAPI dependency that takes a token before a route spends anything.

    from fastapi import Depends, FastAPI
    from longtrainer.fastapi import install_rate_limiting, rate_limit
    from longtrainer.rate_limiter import RateLimitConfig, RateLimiter

    app = FastAPI()
    install_rate_limiting(app, RateLimiter(RateLimitConfig(enabled=True)))

    @app.post("/bots/{bot_id}/ask", dependencies=[Depends(rate_limit("llm"))])
    async def ask(bot_id: str): ...

The tenant comes from ``X-API-Key`` (see ``auth.current_tenant``) and the
bot from the ``bot_id`` path parameter; pass ``tenant=`` or ``bot=`` (any
FastAPI dependable returning a string) to resolve them your own way.
"""

import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from fastapi import Depends, FastAPI, HTTPException, Request, Response, status

from ..rate_limiter import (
    CostExceedsBurst,
    RateLimiter,
    RateLimitExceeded,
)
from .auth import current_tenant
from .errors import rate_limit_exceeded_handler
from .headers import note_decision, rate_limit_headers
from .metrics import RateLimitMetrics


def install_rate_limiting(
    app: FastAPI,
    limiter: RateLimiter,
    *,
    metrics: RateLimitMetrics | None = None,
) -> None:
    """Attach ``limiter`` to ``app`` and answer its refusals with 429."""
    app.state.rate_limiter = limiter
    app.state.rate_limit_metrics = metrics or RateLimitMetrics()
    app.add_exception_handler(RateLimitExceeded, rate_limit_exceeded_handler)


async def bot_from_path(bot_id: str) -> str:
    """The ``bot_id`` path parameter."""
    return bot_id


def rate_limit(
    resource: str,
    *,
    cost: float | Callable = 1,
    wait: bool = False,
    timeout: float | None = None,
    tenant: Callable = current_tenant,
    bot: Callable = bot_from_path,
) -> Callable:
    """A dependency taking ``cost`` tokens of ``resource`` for the caller.

    ``cost`` is a number, or a FastAPI dependable returning one, e.g. the
    number of inputs of the validated body. Raise mode (the default)
    refuses at once with ``RateLimitExceeded``, which the installed handler
    turns into a 429 with ``Retry-After``; ``wait=True`` holds the request
    until its turn (or ``timeout``). Admitted calls get ``RateLimit-Policy``
    and ``RateLimit`` headers.
    """
    cost_of = cost if callable(cost) else _constant(cost)

    async def take_token(
        request: Request,
        response: Response,
        tenant_id: str = Depends(tenant),
        bot_id: str = Depends(bot),
        amount: float = Depends(cost_of),
    ) -> None:
        spend = Spender(request, response, tenant_id, bot_id)
        await spend(resource, cost=amount, wait=wait, timeout=timeout)

    return take_token


def rate_limit_all(
    costs: Mapping[str, float] | Callable,
    *,
    wait: bool = False,
    timeout: float | None = None,
    tenant: Callable = current_tenant,
    bot: Callable = bot_from_path,
) -> Callable:
    """A dependency taking several resources' tokens at once: all or none.

    ``costs`` maps resources to costs, or is a FastAPI dependable returning
    such a mapping (say ``{"ingestion": 1, "embedding": chunks}`` from the
    validated body). A refusal of any resource spends nothing.
    """
    costs_of = costs if callable(costs) else _constant(dict(costs))

    async def take_tokens(
        request: Request,
        response: Response,
        tenant_id: str = Depends(tenant),
        bot_id: str = Depends(bot),
        amounts: Mapping[str, float] = Depends(costs_of),
    ) -> None:
        spend = Spender(request, response, tenant_id, bot_id)
        await spend.all(amounts, wait=wait, timeout=timeout)

    return take_tokens


def _constant(value: Any) -> Callable:
    async def fixed_cost() -> Any:
        return value

    return fixed_cost


@dataclass(frozen=True)
class Spender:
    """Takes tokens for one request from inside a route.

    For costs known only midway, once some work is done:
    ``await Spender(request, response, tenant_id, bot_id)("llm", cost=n)``.
    A cost that follows from the request alone is better given to
    ``rate_limit`` as a dependable, so it is paid before the route runs.
    """

    request: Request
    response: Response
    tenant_id: str
    bot_id: str

    async def __call__(
        self,
        resource: str,
        *,
        cost: float = 1,
        wait: bool = False,
        timeout: float | None = None,
    ) -> None:
        """Take the tokens, or raise ``RateLimitExceeded`` (413 if never possible)."""
        limiter, metrics = _installed(self.request)
        resource = limiter.resource_name(resource)
        started = time.perf_counter()
        with _refusals_counted(metrics):
            await limiter.acquire(
                self.tenant_id,
                self.bot_id,
                resource,
                cost=cost,
                wait=wait,
                timeout=timeout,
            )

        self._admitted([resource], time.perf_counter() - started)

    async def all(
        self,
        costs: Mapping[str, float],
        *,
        wait: bool = False,
        timeout: float | None = None,
    ) -> None:
        """Take every resource's cost, all or none (``acquire_all``)."""
        limiter, metrics = _installed(self.request)
        names = {limiter.resource_name(r): c for r, c in costs.items()}
        started = time.perf_counter()
        with _refusals_counted(metrics):
            await limiter.acquire_all(
                self.tenant_id, self.bot_id, names, wait=wait, timeout=timeout
            )

        self._admitted(list(names), time.perf_counter() - started)

    def _admitted(self, resources: list[str], waited: float) -> None:
        _, metrics = _installed(self.request)
        for resource in resources:
            metrics.record_admitted(self.tenant_id, resource, waited)
            note_decision(self.request, self.tenant_id, self.bot_id, resource)
        self.response.headers.update(rate_limit_headers(self.request))


def _installed(request: Request) -> tuple[RateLimiter, RateLimitMetrics]:
    state = request.app.state
    if not hasattr(state, "rate_limiter"):
        raise RuntimeError("call install_rate_limiting(app, limiter) before serving")
    return state.rate_limiter, state.rate_limit_metrics


@contextmanager
def _refusals_counted(metrics: RateLimitMetrics) -> Iterator[None]:
    """Count refusals; a cost no bucket can hold becomes a 413."""
    try:
        yield
    except RateLimitExceeded as refusal:
        metrics.record_refused(refusal.tenant_id, refusal.resource, refusal.layer)
        raise
    except CostExceedsBurst as error:
        # No amount of waiting admits it: the caller must ask for less.
        raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, str(error)) from None
