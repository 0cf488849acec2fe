"""Token bucket arithmetic. Pure: every method is handed the instant ``now``."""

# Float arithmetic may leave a bucket a hair short of a cost it has earned
# exactly (a retry at ``retry_after`` must succeed). A take is therefore
# allowed ``SLACK`` tokens short per token of burst (times ``tolerance``);
# the shortfall stays in the bucket as a debt, so the slack never
# accumulates into extra admissions.
SLACK = 1e-9


class TokenBucket:
    """``burst`` tokens at most, refilled at ``rate`` tokens per second.

    ``tokens`` is the fill as of ``updated_at`` (monotonic seconds). Nothing
    here reads a clock or raises for an ordinary "no": callers ask
    ``has(cost)`` and ``time_until(cost)``. A clock that runs backwards is
    clamped: nothing accrues and nothing is lost.
    """

    __slots__ = ("burst", "rate", "slack", "tokens", "tolerance", "updated_at")

    def __init__(
        self,
        rate: float,
        burst: float,
        tokens: float,
        now: float,
        *,
        tolerance: float = 1.0,
    ) -> None:
        self.rate = rate
        self.burst = burst
        self.tokens = tokens
        self.updated_at = now
        self.tolerance = tolerance
        self.slack = SLACK * tolerance * max(1.0, burst)

    def refill(self, now: float) -> None:
        """Accrue the tokens earned since ``updated_at``, up to the burst."""
        elapsed = now - self.updated_at
        if elapsed > 0:
            self.tokens = min(self.burst, self.tokens + elapsed * self.rate)
            self.updated_at = now

    def has(self, cost: float) -> bool:
        """Whether ``cost`` tokens can be taken now. Precondition: refilled."""
        return self.tokens + self.slack >= cost

    def time_until(self, cost: float) -> float:
        """Seconds until ``cost`` tokens are there. Precondition: refilled."""
        missing = cost - self.tokens
        if missing <= self.slack:
            return 0.0
        return missing / self.rate

    def reshape(self, rate: float, burst: float, now: float) -> None:
        """Change rate and burst at ``now``: the time before is settled at the
        old rate, and tokens above the new burst are dropped."""
        self.refill(now)
        self.rate = rate
        self.burst = burst
        self.tokens = min(self.tokens, burst)
        self.slack = SLACK * self.tolerance * max(1.0, burst)

    def full_at(self) -> float:
        """The instant the bucket is full again, with no further takes."""
        return self.updated_at + max(0.0, self.burst - self.tokens) / self.rate

    def __repr__(self) -> str:
        return (
            f"TokenBucket(rate={self.rate:g}/s, burst={self.burst:g}, "
            f"tokens={self.tokens:.3f})"
        )
