"""The Zalo Bot Platform's HTTP API (`<base>/bot<token>/<method>`, JSON bodies) and its errors."""

from __future__ import annotations

from typing import Any

import httpx


class ZaloError(Exception):
    def __init__(self, code: int, description: str) -> None:
        super().__init__(f"{code} {description}")
        self.code = code
        self.description = description


class ZaloApi:
    """`<base>/bot<token>/<method>` with JSON bodies. URLs carry the token: never logged."""

    def __init__(
        self, base_url: str, token: str, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self._token = token
        self._client = httpx.AsyncClient(
            base_url=f"{base_url}/bot{token}/", transport=transport, timeout=40
        )

    async def call(
        self, method: str, payload: dict[str, Any] | None = None, wait: float = 5
    ) -> Any:
        """One method; `wait` is how long the server may hold the request (long polling)."""
        try:
            response = await self._client.post(method, json=payload or {}, timeout=wait + 10)
        except httpx.HTTPError as err:
            raise ZaloError(0, f"network: {type(err).__name__}") from None
        try:
            body = response.json()
        except ValueError:
            raise ZaloError(response.status_code, "not JSON") from None
        if not isinstance(body, dict):
            raise ZaloError(response.status_code, "not a JSON object")
        if response.status_code >= 400 or body.get("ok") is not True:
            code = body.get("error_code")
            code = code if isinstance(code, int) and not isinstance(code, bool) else 0
            raise ZaloError(code or response.status_code, self._clean(body.get("description")))
        return body.get("result")

    def _clean(self, description: object) -> str:
        """What Zalo said, short, without the token (a 404 may echo the request's path)."""
        text = str(description or "")[:200]
        return text.replace(self._token, "<token>") if self._token else text

    async def close(self) -> None:
        await self._client.aclose()
