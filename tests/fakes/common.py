"""What the fake Bot APIs share: `/bot<token>/<method>` routing and their JSON answers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

Call = Callable[[str, dict[str, Any]], tuple[int, dict[str, Any]]]


def serve(
    request: httpx.Request,
    token: str,
    call: Call,
    params: Callable[[httpx.Request], dict[str, Any]],
) -> httpx.Response:
    """Answer one request for `call(method, params)`; a wrong token is a 401."""
    prefix = f"/bot{token}/"
    if not request.url.path.startswith(prefix):
        unauthorized = {"ok": False, "error_code": 401, "description": "Unauthorized"}
        return httpx.Response(401, json=unauthorized)
    status, body = call(request.url.path[len(prefix) :], params(request))
    return httpx.Response(status, json=body)
