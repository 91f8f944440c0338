"""The waits of the long-running loops (intakes, senders, the export worker): none of them may
delay a shutdown."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

T = TypeVar("T")


class StoppedError(Exception):
    """The stop came while waiting."""


async def woken_or_stopped(wake: asyncio.Event, stop: asyncio.Event, seconds: float) -> None:
    """Sleep until `wake` or `stop` is set, or `seconds` pass."""
    waiters = [asyncio.ensure_future(wake.wait()), asyncio.ensure_future(stop.wait())]
    await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    for waiter in waiters:
        waiter.cancel()


async def unless_stopped(fetch: Awaitable[T], stop: asyncio.Event) -> T:
    """The result of `fetch` (a long poll), or StoppedError if `stop` comes first: the fetch is then
    cancelled, which loses nothing as long as only waiting for updates is raced."""
    task = asyncio.ensure_future(fetch)
    stopping = asyncio.ensure_future(stop.wait())
    await asyncio.wait({task, stopping}, return_when=asyncio.FIRST_COMPLETED)
    stopping.cancel()
    if not task.done():
        task.cancel()
        raise StoppedError
    return task.result()
