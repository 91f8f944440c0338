"""The demo's web server on 127.0.0.1: the page (plain HTML, CSS and JavaScript from the
package: no build step, no network), its JSON API (the phones, the clock, "the rest of the
office"), the files the bot sent, and the local messenger's Telegram and Zalo endpoints."""

from __future__ import annotations

import asyncio
import contextlib
import json
from datetime import datetime
from importlib import resources
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from aiohttp import web

from bot.demo.clock import SPEEDS, DemoClock
from bot.demo.messenger import MAX_PHOTO, Messenger
from bot.demo.office import RestOfOffice, Timetable
from core import texts

STATIC = {"index.html": "text/html", "app.js": "text/javascript", "style.css": "text/css"}
MAX_BODY = MAX_PHOTO + 64 * 1024
WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")


class BadRequestError(Exception):
    """What the page sent cannot be done: one line, in Vietnamese."""


class DemoWeb:
    def __init__(
        self, messenger: Messenger, clock: DemoClock, office: RestOfOffice, tz: ZoneInfo
    ) -> None:
        self.messenger = messenger
        self.clock = clock
        self.office = office
        self.tz = tz
        self._timetable: Timetable | None = None  # set once the bot is up

    @property
    def timetable(self) -> Timetable:
        if self._timetable is None:
            raise web.HTTPServiceUnavailable(
                text=_dumps({"error": texts.DEMO_STARTING}), content_type="application/json"
            )
        return self._timetable

    def ready(self, timetable: Timetable) -> None:
        self._timetable = timetable

    def application(self) -> web.Application:
        app = web.Application(client_max_size=MAX_BODY, middlewares=[self._errors])
        app.router.add_get("/", self.page)
        app.router.add_get("/static/{name}", self.static)
        app.router.add_get("/api/state", self.state)
        app.router.add_post("/api/type", self.type)
        app.router.add_post("/api/press", self.press)
        app.router.add_post("/api/photo", self.photo)
        app.router.add_post("/api/clock", self.set_clock)
        app.router.add_post("/api/office", self.set_office)
        app.router.add_get("/files/{file_id}", self.file)
        app.router.add_route("*", "/telegram/bot{token}/{method}", self.messenger.telegram)
        app.router.add_post("/zalo/bot{token}/{method}", self.messenger.zalo)
        return app

    @web.middleware
    async def _errors(self, request: web.Request, handler: Any) -> web.StreamResponse:
        try:
            response: web.StreamResponse = await handler(request)
            return response
        except BadRequestError as err:
            return web.json_response({"error": str(err)}, status=400)
        except web.HTTPRequestEntityTooLarge:
            return web.json_response({"error": texts.DEMO_TOO_LARGE}, status=413)

    async def page(self, request: web.Request) -> web.Response:
        return await self.static_file("index.html")

    async def static(self, request: web.Request) -> web.Response:
        return await self.static_file(request.match_info["name"])

    async def static_file(self, name: str) -> web.Response:
        if name not in STATIC:
            raise web.HTTPNotFound()
        body = resources.files("bot.demo").joinpath("static", name).read_bytes()
        return web.Response(body=body, content_type=STATIC[name], charset="utf-8")

    def snapshot(self) -> dict[str, Any]:
        now = self.clock.now().astimezone(self.tz)
        return {
            "version": self.messenger.version,
            "clock": {
                "now": now.isoformat(),
                "label": self.label(now),
                "speed": self.clock.speed,
                "speeds": list(SPEEDS),
                "paused": self.clock.paused,
                "next": [
                    {"at": at.isoformat(), "label": f"{self.short(at, now)} {label}"}
                    for at, label in self.timetable.upcoming(6)
                ],
            },
            "office": {"auto": self.office.on, "played": sorted(self.office.played)},
            "fired": [[at.isoformat(), name] for at, name in self.timetable.fired],
            "phones": [phone.as_json() for phone in self.messenger.phones.values()],
            "chats": {
                key: [bubble.as_json() for bubble in bubbles]
                for key, bubbles in self.messenger.bubbles.items()
            },
        }

    def label(self, now: datetime) -> str:
        return f"{WEEKDAYS[now.weekday()]}, {now:%d/%m/%Y %H:%M}"

    def short(self, at: datetime, now: datetime) -> str:
        return f"{at:%H:%M}" if at.date() == now.date() else f"{WEEKDAYS[at.weekday()]} {at:%H:%M}"

    async def state(self, request: web.Request) -> web.Response:
        """The whole state; with `since`, held until it changes (or 5 s pass)."""
        since = request.query.get("since", "")
        if since.isdigit() and int(since) == self.messenger.version:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.messenger.changed.wait(), 5)
        return web.json_response(self.snapshot())

    async def _body(self, request: web.Request) -> dict[str, Any]:
        try:
            body = await request.json()
        except (ValueError, UnicodeDecodeError):
            raise BadRequestError(texts.DEMO_BAD_REQUEST) from None
        if not isinstance(body, dict):
            raise BadRequestError(texts.DEMO_BAD_REQUEST)
        return body

    def _person(self, body: dict[str, Any]) -> str:
        key = body.get("person")
        if not isinstance(key, str) or key not in self.messenger.phones:
            raise BadRequestError(texts.DEMO_NO_SUCH_PERSON)
        return key

    async def type(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        key, text = self._person(body), body.get("text")
        if not isinstance(text, str) or not text.strip():
            raise BadRequestError(texts.DEMO_EMPTY_TEXT)
        self.messenger.type(key, text)
        return web.json_response({"ok": True})

    async def press(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        key, bubble, data = self._person(body), body.get("bubble"), body.get("data")
        if not isinstance(bubble, int) or not isinstance(data, str):
            raise BadRequestError(texts.DEMO_BAD_REQUEST)
        if not self.messenger.press(key, bubble, data):
            raise BadRequestError(texts.DEMO_NO_SUCH_BUTTON)
        return web.json_response({"ok": True})

    async def photo(self, request: web.Request) -> web.Response:
        form = await request.post()
        key = self._person({"person": form.get("person")})
        upload = form.get("photo")
        if not isinstance(upload, web.FileField):
            raise BadRequestError(texts.DEMO_NOT_A_PHOTO)
        data = upload.file.read(MAX_PHOTO + 1)
        if len(data) > MAX_PHOTO:
            raise BadRequestError(texts.DEMO_TOO_LARGE)
        mime = _image_type(data)
        if mime is None:
            raise BadRequestError(texts.DEMO_NOT_A_PHOTO)
        self.messenger.send_photo(key, data, mime)
        return web.json_response({"ok": True})

    async def set_clock(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        if "speed" in body:
            if body["speed"] not in SPEEDS:
                raise BadRequestError(texts.DEMO_BAD_REQUEST)
            self.clock.set_speed(float(body["speed"]))
        if "paused" in body:
            self.clock.pause(bool(body["paused"]))
        if body.get("jump") == "next":
            upcoming = self.timetable.upcoming(1)
            if upcoming:
                self.clock.jump(upcoming[0][0])
        elif isinstance(body.get("jump"), str):
            try:
                to = datetime.fromisoformat(body["jump"])
            except ValueError:
                raise BadRequestError(texts.DEMO_BAD_REQUEST) from None
            if to.tzinfo is None:
                to = to.replace(tzinfo=self.tz)
            self.clock.jump(to)
        await self.timetable.tick()  # a jump fires what it passed before the answer
        self.messenger.touch()
        return web.json_response(self.snapshot())

    async def set_office(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        if "auto" in body:
            self.office.on = bool(body["auto"])
        played = body.get("played")
        if isinstance(played, list):
            self.office.played = {k for k in played if isinstance(k, str)} & set(
                self.messenger.phones
            )
        self.messenger.touch()
        return web.json_response({"ok": True})

    async def file(self, request: web.Request) -> web.Response:
        found = self.messenger.files.get(request.match_info["file_id"])
        if found is None:
            raise web.HTTPNotFound()
        inline = found.mime.startswith("image/")
        disposition = "inline" if inline else "attachment"
        headers = {
            "Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(found.filename)}",
            "Cache-Control": "no-store",
        }
        return web.Response(body=found.data, content_type=found.mime, headers=headers)


def _image_type(data: bytes) -> str | None:
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    return None


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
