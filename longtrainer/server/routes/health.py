"""Liveness, without a key: for load balancers and start-up scripts."""

from fastapi import APIRouter

from ... import __version__

router = APIRouter(tags=["health"])


@router.get("/health")
async def health() -> dict[str, str]:
    """Answers while the server runs."""
    return {"status": "ok", "version": __version__}
