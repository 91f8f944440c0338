"""`python -m bot demo`: the real bot — the same flows, services, outbox, sender and timing table
as in production — against a local messenger on 127.0.0.1, on a fresh database in a temporary
folder, with a sample organization and a clock the page controls. No token, no network."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
import tempfile
from datetime import datetime, time, timedelta
from pathlib import Path

from aiohttp import web

from bot.app import build_application, lifespan, running, stop_on_signals
from bot.demo.clock import DemoClock
from bot.demo.messenger import BOT_NAME, TELEGRAM_TOKEN, ZALO_TOKEN, Messenger
from bot.demo.office import CLERK, RestOfOffice, Timetable, phones, seed
from bot.demo.page import DemoWeb
from core import texts
from core.settings import Settings
from core.workdays import WorkCalendar

log = logging.getLogger(__name__)

DEFAULT_PORT = 8765
TICK = 0.1  # seconds of real time between two looks at the demo clock
ORG_NAME = "Sở Khoa học và Công nghệ (bản dùng thử)"


def first_morning(now: datetime, settings: Settings) -> datetime:
    """06:55 of today, or of the next working day, local time: the day starts before 07:30."""
    calendar = WorkCalendar(settings.days_off, settings.makeup_days)
    day = now.astimezone(settings.tz).date()
    while not calendar.is_working_day(day):
        day += timedelta(days=1)
    return datetime.combine(day, time(6, 55), settings.tz)


def demo_settings(folder: Path, base: str, clerk_chat: int) -> Settings:
    """Production defaults (slot times, pacing, questionnaire), pointed at the local messenger
    and the temporary folder; nothing is read from the environment or `.env`."""
    return Settings(
        bot_token=TELEGRAM_TOKEN,
        bot_username=BOT_NAME,
        zalo_bot_token=ZALO_TOKEN,
        telegram_api_base_url=f"{base}/telegram",
        zalo_api_base_url=f"{base}/zalo",
        database_path=folder / "sokhoe-demo.db",
        org_name=ORG_NAME,
        admin_chat_id=clerk_chat,
    )


async def run_demo(port: int = DEFAULT_PORT, stop: asyncio.Event | None = None) -> None:
    folder = Path(tempfile.mkdtemp(prefix="sokhoe-demo-"))
    tempfile.tempdir = str(folder)  # anything written on the way stays in the folder
    try:
        await _serve(folder, port, stop or stop_on_signals())
    finally:
        tempfile.tempdir = None
        shutil.rmtree(folder, ignore_errors=True)


async def _serve(folder: Path, port: int, stop: asyncio.Event) -> None:
    people = phones()
    clerk = next(p for p in people if p.key == CLERK)
    clock = DemoClock(first_morning(datetime.now().astimezone(), Settings()), speed=60)
    messenger = Messenger(clock.now)
    for phone in people:
        messenger.add(phone)
    office = RestOfOffice(messenger, clock.now)
    settings = Settings()
    demo_web = DemoWeb(messenger, clock, office, settings.tz)
    # the server is up before the bot starts: the bot's first call is getMe
    runner = web.AppRunner(demo_web.application(), access_log=None)
    await runner.setup()
    try:
        try:
            await web.TCPSite(runner, "127.0.0.1", port).start()
        except OSError:
            raise DemoPortBusyError(port) from None
        base = f"http://127.0.0.1:{_bound_port(runner) or port}"
        settings = demo_settings(folder, base, clerk.user_id)
        await seed(settings.database_path, people, clock.now())
        app = build_application(settings, clock)
        async with lifespan(app), running(app, stop, jobs=False):
            data = app.bot_data
            timetable = Timetable(data.services, data.wake, messenger.touch)
            demo_web.ready(timetable)
            print(texts.DEMO_READY.format(url=f"{base}/"), flush=True)
            while not stop.is_set():
                await timetable.tick()
                for act in office.due(clock.now()):
                    act()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), TICK)
    finally:
        messenger.close()
        await runner.cleanup()
    print(texts.DEMO_STOPPED, flush=True)


class DemoPortBusyError(Exception):
    def __init__(self, port: int) -> None:
        super().__init__(texts.DEMO_PORT_BUSY.format(port=port))


def _bound_port(runner: web.AppRunner) -> int | None:
    for address in runner.addresses:
        if isinstance(address, tuple) and len(address) >= 2:
            return int(address[1])
    return None
