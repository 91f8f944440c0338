"""python-telegram-bot's requests over aiohttp instead of httpx.

python-telegram-bot asks its `BaseRequest` only to send a request and hand back the status and
the body; everything else (the Bot API's errors, 429's `retry_after`, JSON) is its own. httpx
spends about ten times the CPU aiohttp does on a small request (`bench/orgs.py`: 20 bots in two
worker processes were out of CPU at 40% of their limits, most of it in httpx and httpcore), so
the running bot talks to Telegram through aiohttp, the web server it already serves with, and
sends its parameters as a JSON body (python-telegram-bot's `json_payload`; URL-encoding them as
form fields took about a tenth of a busy worker's CPU); an upload goes as multipart form data.

Errors name the exception's class only: aiohttp's messages can carry the request's address, and
a Bot API address holds the bot's token."""

from __future__ import annotations

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

USER_AGENT = "SoKhoe (python-telegram-bot over aiohttp)"
JSON = {"Content-Type": "application/json"}  # the Bot API takes a JSON body but for uploads


class AiohttpRequest(BaseRequest):
    """One aiohttp session, up to `pool_size` connections; the timeouts in seconds (None: no
    limit), as python-telegram-bot's own request class takes them."""

    def __init__(
        self,
        pool_size: int = 256,
        connect_timeout: float | None = 5.0,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        media_write_timeout: float | None = 20.0,
    ) -> None:
        self.pool_size = pool_size
        self._connect_timeout = connect_timeout
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._media_write_timeout = media_write_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self.pool_size, limit_per_host=self.pool_size)
            self._session = aiohttp.ClientSession(
                connector=connector, headers={"User-Agent": USER_AGENT}
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("AiohttpRequest is not initialized")
        files = request_data.multipart_data if request_data else None
        body: aiohttp.FormData | bytes | None = None
        headers = None
        if request_data is not None and files:
            body = aiohttp.FormData(request_data.json_parameters, quote_fields=False)
            for name, (filename, content, mimetype) in files.items():
                body.add_field(name, content, filename=filename, content_type=mimetype)
        elif request_data is not None:  # JSON (see the module)
            body, headers = request_data.json_payload, JSON
        read = _given(read_timeout, self._read_timeout)
        write = _given(write_timeout, self._media_write_timeout if files else self._write_timeout)
        # aiohttp bounds the connect and each read; the wait for a pooled connection and the
        # sending of the body are bounded by the whole request: write and read timeouts added
        whole = None if read is None or write is None else read + write
        timeout = aiohttp.ClientTimeout(
            total=whole,
            sock_connect=_given(connect_timeout, self._connect_timeout),
            sock_read=read,
        )
        try:
            async with self._session.request(
                method, url, data=body, headers=headers, timeout=timeout
            ) as answer:
                return answer.status, await answer.read()
        except TimeoutError as err:
            raise TimedOut(f"aiohttp: {type(err).__name__}") from None
        except (aiohttp.ClientError, OSError) as err:
            raise NetworkError(f"aiohttp.{type(err).__name__}") from None


def _given(value: ODVInput[float], default: float | None) -> float | None:
    """A timeout passed for this call, or the request's own (python-telegram-bot's rule)."""
    if isinstance(value, DefaultValue):
        return default
    return value
