"""The webhook server for Zalo's posts, on aiohttp's web server: the secret compared in constant
time before the body is read, 200 only once the update is kept in the inbox.

What an attacker without the secret can do is bounded: a connection that sends nothing, or
sends its headers slowly, is closed after `idle` seconds; at most 100 header lines of 8 KiB;
a body of at most 64 KiB, read within `idle` seconds; at most `max_connections` connections at
once (more are closed as they come). A body that is not a JSON object gets 400.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from typing import Any

from aiohttp import web

from bot.channels.zalo.intake import ZaloIntake

log = logging.getLogger(__name__)

MAX_BODY = 64 * 1024
SECRET_HEADER = "X-Bot-Api-Secret-Token"


class _Refuse(asyncio.Protocol):
    """A connection over the limit: closed at once."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        transport.close()


class _CappedServer(web.Server):
    """aiohttp's low-level server, refusing connections beyond a number."""

    def __init__(self, handler: Any, max_connections: int, **kwargs: Any) -> None:
        super().__init__(handler, **kwargs)
        self.max_connections = max_connections

    def __call__(self) -> Any:
        if len(self.connections) >= self.max_connections:
            return _Refuse()
        return super().__call__()


class ZaloWebhook:
    def __init__(
        self, intake: ZaloIntake, secret: str, idle: float = 10, max_connections: int = 1024
    ) -> None:
        self.intake = intake
        self.secret = secret.encode()
        self.idle = idle
        self.max_connections = max_connections
        self._runner: web.ServerRunner | None = None
        self.port = 0

    async def start(self, host: str, port: int) -> ZaloWebhook:
        server = _CappedServer(
            self._handle,
            self.max_connections,
            keepalive_timeout=self.idle,  # also closes a connection that never sends a request
            max_line_size=8190,
            max_field_size=8190,
            max_headers=100,
        )
        self._runner = web.ServerRunner(server, handle_signals=False, shutdown_timeout=1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _handle(self, request: web.BaseRequest) -> web.StreamResponse:
        if request.method != "POST":
            return web.Response(status=405)
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self.secret):
            log.warning("Zalo webhook: a call with a wrong secret was refused")
            return web.Response(status=403)
        if (request.content_length or 0) > MAX_BODY:
            return web.Response(status=413)
        try:
            body = await asyncio.wait_for(_read(request), self.idle)
        except TimeoutError:  # a body shorter than it said, or sent slowly
            return web.Response(status=408)
        if len(body) > MAX_BODY:
            return web.Response(status=413)
        try:
            update = json.loads(body or b"{}")
        except (ValueError, RecursionError):  # not JSON, or nested past what Python parses
            return web.Response(status=400)
        if not isinstance(update, dict):
            return web.Response(status=400)
        if await self.intake.receive(update):  # committed: only now may Zalo forget it
            self.intake.wake()
        return web.Response(status=200)


async def _read(request: web.BaseRequest) -> bytes:
    """The body (chunked or not), or its first MAX_BODY + 1 bytes when it is longer."""
    body = b""
    while len(body) <= MAX_BODY:
        chunk = await request.content.read(MAX_BODY + 1 - len(body))
        if not chunk:
            break
        body += chunk
    return body
