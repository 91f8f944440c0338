"""The webhook server for Zalo's posts: the secret compared in constant time, 200 only once the
update is kept."""

from __future__ import annotations

import asyncio
import hmac
import json
import logging

from bot.channels.zalo.intake import ZaloIntake

log = logging.getLogger(__name__)


class ZaloWebhook:
    """A small HTTP server for Zalo's posts: the secret header is compared in constant time,
    and the answer is 200 only after the update is kept in the inbox."""

    def __init__(self, intake: ZaloIntake, secret: str) -> None:
        self.intake = intake
        self.secret = secret.encode()

    async def serve(self, host: str, port: int) -> asyncio.Server:
        return await asyncio.start_server(self._connection, host, port)

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            status = await self._request(reader)
        except (asyncio.IncompleteReadError, ValueError, ConnectionError):
            status = 400
        reason = {200: "OK", 400: "Bad Request", 403: "Forbidden", 405: "Method Not Allowed"}
        head = f"HTTP/1.1 {status} {reason.get(status, 'Error')}\r\n"
        writer.write(f"{head}Content-Length: 0\r\nConnection: close\r\n\r\n".encode())
        await writer.drain()
        writer.close()

    async def _request(self, reader: asyncio.StreamReader) -> int:
        request_line = (await reader.readline()).decode("latin-1").split()
        headers: dict[str, str] = {}
        while (line := await reader.readline()) not in (b"\r\n", b"\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        if not request_line or request_line[0] != "POST":
            return 405
        given = headers.get("x-bot-api-secret-token", "").encode()
        if not hmac.compare_digest(given, self.secret):
            log.warning("Zalo webhook: a call with a wrong secret was refused")
            return 403
        body = await reader.readexactly(int(headers.get("content-length", "0")))
        update = json.loads(body or b"{}")
        if not isinstance(update, dict):
            return 400
        if await self.intake.receive(update):  # committed: only now may Zalo forget it
            self.intake.wake()
        return 200
