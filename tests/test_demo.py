"""The demo in process: the page's API, a morning with the rest of the office answering, the
rest of the day by jumps: every event of the timing table fires once (a whole day at 600× is
`bench/demo_day.py`: timing goals are measured there, not here), and
bad requests from the page get one line in Vietnamese and change nothing."""

from __future__ import annotations

import asyncio
import re
import socket
from collections import Counter
from typing import Any

import httpx
import pytest

from bot.demo import run_demo
from core import texts
from tests.harness import free_port

EVENTS = 10  # the timing table: 3 per slot, 3 for the risk update, the monthly report


async def started(client: httpx.AsyncClient) -> dict[str, Any]:
    for _ in range(200):
        try:
            response = await client.get("/api/state")
            if response.status_code == 200:
                return dict(response.json())
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.1)
    raise AssertionError("the demo never came up")


def chat(state: dict[str, Any], key: str) -> list[str]:
    return [bubble["text"] for bubble in state["chats"][key]]


async def test_a_day_in_the_demo_fires_every_event_once(monkeypatch: pytest.MonkeyPatch) -> None:
    reached: list[Any] = []
    connect = socket.socket.connect

    def loopback_only(self: socket.socket, address: Any) -> Any:
        reached.append(address)
        if isinstance(address, tuple) and address[0] not in ("127.0.0.1", "::1", "localhost"):
            raise OSError("the demo reached past 127.0.0.1")
        return connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", loopback_only)
    port, stop = free_port(), asyncio.Event()
    demo = asyncio.create_task(run_demo(port, stop))
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            state = await started(client)
            assert len(state["phones"]) == 15
            await client.post("/api/office", json={"auto": True, "played": []})
            await client.post("/api/clock", json={"paused": True})
            state = (await client.post("/api/clock", json={"jump": "next"})).json()
            assert [name for _, name in state["fired"]] == ["morning:prompt"]
            await asyncio.sleep(1.5)  # the prompts reach the phones; each decides when to answer
            day = state["clock"]["now"][:10]
            await client.post("/api/clock", json={"jump": f"{day}T08:15"})
            await asyncio.sleep(2.0)  # the office's answers due by 08:15 reach the bot
            await client.post("/api/clock", json={"jump": f"{day}T09:00"})
            for _ in range(100):  # the table reaches the director (after any alerts, 1/s a chat)
                state = (await client.get("/api/state")).json()
                if any("Toàn Sở" in t for t in chat(state, "VP01")):
                    break
                await asyncio.sleep(0.1)
            org = next(t for t in chat(state, "VP01") if "Toàn Sở" in t)
            declared = re.search(r"Đã khai báo: (\d+)/15", org)
            assert declared is not None and int(declared.group(1)) >= 8, org
            state = (await client.post("/api/clock", json={"jump": f"{day}T17:45"})).json()
            fired = Counter(name for _, name in state["fired"])
            assert len(fired) == EVENTS and set(fired.values()) == {1}, fired
            assert state["clock"]["next"][0]["label"].endswith(texts.DEMO_EVENTS["morning:prompt"])
    finally:
        stop.set()
        await demo
    assert reached and all(address[0] == "127.0.0.1" for address in reached)


async def test_the_page_refuses_bad_requests_politely() -> None:
    port, stop = free_port(), asyncio.Event()
    demo = asyncio.create_task(run_demo(port, stop))
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            before = await started(client)
            cases = [
                ("/api/type", {"person": "NOBODY", "text": "hi"}, texts.DEMO_NO_SUCH_PERSON),
                ("/api/type", {"person": "VP04", "text": "   "}, texts.DEMO_EMPTY_TEXT),
                ("/api/type", ["not", "an", "object"], texts.DEMO_BAD_REQUEST),
                (
                    "/api/press",
                    {"person": "VP04", "bubble": 9, "data": "x"},
                    texts.DEMO_NO_SUCH_BUTTON,
                ),
                ("/api/clock", {"speed": 7}, texts.DEMO_BAD_REQUEST),
                ("/api/clock", {"jump": "yesterday"}, texts.DEMO_BAD_REQUEST),
            ]
            for path, body, line in cases:
                response = await client.post(path, json=body)
                assert (response.status_code, response.json()) == (400, {"error": line})
            broken = await client.post(
                "/api/type", content=b"{not json", headers={"Content-Type": "application/json"}
            )
            assert broken.json() == {"error": texts.DEMO_BAD_REQUEST}
            photo = await client.post(
                "/api/photo", data={"person": "VP04"}, files={"photo": ("a.jpg", b"GIF89a..")}
            )
            assert photo.json() == {"error": texts.DEMO_NOT_A_PHOTO}
            huge = await client.post(
                "/api/photo",
                data={"person": "VP04"},
                files={"photo": ("a.jpg", b"\xff\xd8\xff" + b"0" * 6_000_000)},
            )
            assert huge.status_code == 413 and huge.json() == {"error": texts.DEMO_TOO_LARGE}
            long = await client.post("/api/type", json={"person": "VP04", "text": "x" * 100_000})
            assert long.status_code == 200  # cut to a message's length, as a phone would
            assert (await client.get("/files/../../etc/passwd")).status_code == 404
            after = await started(client)
            assert after["chats"]["VP04"][0]["text"] == "x" * 4096
            others = [k for k in before["chats"] if k != "VP04"]
            assert all(after["chats"][k] == before["chats"][k] for k in others)
    finally:
        stop.set()
        await demo
