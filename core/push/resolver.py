"""The push worker's resolver: a push service's name may lead only to the public internet.

Apart from core.push.endpoints (the spelling checks), so that the web processes, which check
a subscription's spelling when it is saved, never load the worker's HTTP client.
"""

from __future__ import annotations

import socket
from typing import TYPE_CHECKING

from aiohttp.abc import AbstractResolver

from core.push.endpoints import private_endpoints_allowed, public_address

if TYPE_CHECKING:
    from aiohttp.abc import ResolveResult


class PublicOnlyResolver(AbstractResolver):
    """Resolves as ``inner`` does, keeping only public addresses; none left is a failure.

    aiohttp connects to whatever the resolver gives and never asks again, so nothing private
    can be reached by a name. An address spelt out skips resolvers; ``endpoint_problem``,
    checked again before each send, refuses those.
    """

    def __init__(self, inner: AbstractResolver) -> None:
        self._inner = inner

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        found = await self._inner.resolve(host, port, family)
        if private_endpoints_allowed():
            return found
        public = [entry for entry in found if public_address(entry["host"])]
        if not public:
            # aiohttp turns this into ClientConnectorDNSError: "could not reach".
            raise OSError(f"{host} resolves only to addresses that are not on the internet")
        return public

    async def close(self) -> None:
        await self._inner.close()
