"""Tenants by API key: ``X-API-Key`` names the tenant of every request.

Keys are kept as SHA-256 digests and compared in constant time, each against
every known key, so the time taken tells nothing about how much of a key
(or of its length) was right. Keys are never logged or echoed; only their
count is.
"""

import hashlib
import hmac
from collections.abc import Mapping

from fastapi import HTTPException, Request, Security, status
from fastapi.security import APIKeyHeader

DEFAULT_TENANT = "default"

api_key_header = APIKeyHeader(
    name="X-API-Key",
    auto_error=False,
    description="Your API key; it names your tenant.",
)


class KeyRing:
    """Maps API keys to tenant ids. Empty: one ``default`` tenant, no keys."""

    def __init__(self, keys: Mapping[str, str]) -> None:
        self._keys = [(_digest(key), tenant_id) for key, tenant_id in keys.items()]

    @property
    def open(self) -> bool:
        """True when no keys are configured and every caller is ``default``."""
        return not self._keys

    def tenants(self) -> set[str]:
        return {tenant_id for _, tenant_id in self._keys}

    def tenant_of(self, key: str | None) -> str | None:
        """The tenant of ``key``, or None when it is missing or unknown."""
        if self.open:
            return DEFAULT_TENANT
        if not key:
            return None

        # No early exit: every key is compared, whatever matched.
        offered = _digest(key)
        found = None
        for known, tenant_id in self._keys:
            if hmac.compare_digest(known, offered):
                found = tenant_id
        return found

    def __repr__(self) -> str:
        return f"KeyRing({len(self._keys)} keys, {len(self.tenants())} tenants)"


def _digest(key: str) -> bytes:
    return hashlib.sha256(key.encode()).digest()


async def current_tenant(
    request: Request,
    api_key: str | None = Security(api_key_header),
) -> str:
    """The caller's tenant id, or 401 when the key is missing or unknown.

    Reads the ``KeyRing`` at ``app.state.api_keys``; an app without one
    serves every caller as the ``default`` tenant.
    """
    ring = getattr(request.app.state, "api_keys", None) or KeyRing({})
    tenant_id = ring.tenant_of(api_key)
    if tenant_id is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail="Missing or unknown API key (send it as X-API-Key).",
            headers={"WWW-Authenticate": 'APIKey header="X-API-Key"'},
        )

    return tenant_id
