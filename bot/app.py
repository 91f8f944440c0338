"""Assembly: settings → store → services → channels and the one intake → flows, jobs; and the
run loop. python-telegram-bot provides the Bot, the request layer and the JobQueue."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from typing import Any

import httpx
from telegram import BotCommand
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackContext,
    ContextTypes,
    Defaults,
    ExtBot,
    JobQueue,
)
from telegram.request import HTTPXRequest

import handlers
import scheduler
from bot.channels.telegram import TelegramIntake, TelegramOff, TelegramTransport
from bot.channels.telegram_http import AiohttpRequest
from bot.channels.zalo import (
    ZaloApi,
    ZaloError,
    ZaloIntake,
    ZaloTransport,
    ZaloWebhook,
    take_when_woken,
)
from bot.charts import ChartFiles
from bot.export_worker import ExportWorker
from bot.files import read_questionnaire
from bot.intake import Intake
from bot.loops import woken_or_stopped
from bot.sender import Sender
from core import texts
from core.clock import Clock, SystemClock
from core.domain import Person, Role, Unit
from core.pacing import Pacer
from core.settings import Settings
from handlers.router import Router
from services import Services
from services.office import warn_about_quota, zalo_alert
from storage import open_settings_store

log = logging.getLogger(__name__)


class BotData:
    """The services, typed: created in `post_init`, closed in `post_shutdown`."""

    settings: Settings
    clock: Clock
    services: Services
    router: Router
    take: Intake  # every messenger's events go through it
    sender: Sender
    intake: TelegramIntake
    exports: ExportWorker
    zalo: ZaloChannel | None
    zalo_transport: httpx.AsyncBaseTransport | None  # tests fake the Zalo Bot API with it
    wake: Callable[[], None]  # something was queued: the senders and the export worker look


Context = CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]
SoKhoeApp = Application[
    ExtBot[None], Context, dict[Any, Any], dict[Any, Any], BotData, JobQueue[Context]
]


def build_application(
    settings: Settings,
    clock: Clock | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    zalo_transport: httpx.AsyncBaseTransport | None = None,
) -> SoKhoeApp:
    """The real python-telegram-bot Application; `transport` lets tests fake the Bot API in
    the process (through httpx); without it the Bot API is reached through aiohttp."""
    settings.require_a_token()
    builder = (
        ApplicationBuilder()
        .token(settings.bot_token or TelegramOff.OFF_TOKEN)
        .updater(None)  # our own intake loop: see TelegramIntake
        .context_types(ContextTypes(bot_data=BotData))
        .defaults(Defaults(tzinfo=settings.tz))
    )
    if settings.telegram_api_base_url:
        builder = builder.base_url(f"{settings.telegram_api_base_url}/bot")
    if not settings.bot_token:  # Zalo alone: Telegram's Bot is never asked anything real
        builder = builder.request(TelegramOff()).get_updates_request(TelegramOff())
    elif transport is not None:
        builder = builder.request(HTTPXRequest(httpx_kwargs={"transport": transport}))
        builder = builder.get_updates_request(HTTPXRequest(httpx_kwargs={"transport": transport}))
    else:  # the real Bot API (or one on a loopback port): aiohttp, a tenth of httpx's CPU
        builder = builder.request(AiohttpRequest())
        builder = builder.get_updates_request(AiohttpRequest(pool_size=1))
    app: SoKhoeApp = builder.build()  # type: ignore[assignment]
    app.bot_data.settings = settings
    app.bot_data.clock = clock or SystemClock()
    app.bot_data.zalo_transport = zalo_transport
    app.bot_data.router = handlers.register(Router())
    return app


@asynccontextmanager
async def lifespan(app: SoKhoeApp) -> AsyncIterator[SoKhoeApp]:
    """Initialize the bot (getMe) and open the services; close them all on the way out.

    python-telegram-bot calls `post_init` only from its own `run_polling`, which this bot does
    not use (see TelegramIntake), so the two hooks are called here.
    """
    await app.initialize()
    try:
        if app.bot_data.settings.bot_token:
            # a webhook set earlier (or by another deployment) makes getUpdates fail with 409
            await app.bot.delete_webhook()
        await post_init(app)
        try:
            yield app
        finally:
            await post_shutdown(app)
    finally:
        await app.shutdown()


async def post_init(app: SoKhoeApp) -> None:
    data = app.bot_data
    settings = data.settings
    if settings.bot_token and not settings.bot_username:  # as Telegram knows it (getMe)
        settings = data.settings = replace(settings, bot_username=app.bot.username)
    form = read_questionnaire(settings.questionnaire_path)
    store = await open_settings_store(settings)
    charts = ChartFiles(settings.files_dir / "charts")
    data.services = Services(store, settings, data.clock, form, charts)
    pacer = Pacer(settings.send_rate, settings.chat_interval)
    admin = str(settings.admin_chat_id) if settings.admin_chat_id and settings.bot_token else None
    data.sender = Sender(
        store,
        TelegramTransport(app.bot),
        data.clock,
        pacer,
        admin_chat=admin,
        ack_pacer=Pacer(settings.ack_rate, 0),
    )
    data.exports = ExportWorker(data.services, data.sender.wake)

    def committed() -> None:
        data.sender.wake()
        data.exports.wake()
        if data.zalo is not None:
            data.zalo.sender.wake()

    data.wake = committed
    data.take = Intake(data.router, data.services, committed)
    data.intake = TelegramIntake(app.bot, data.take.take, data.clock)
    data.zalo = None
    if settings.zalo_bot_token:
        data.zalo = zalo_channel(data)


def install_jobs(app: SoKhoeApp) -> None:
    """The daily jobs on python-telegram-bot's JobQueue (see `scheduler`)."""
    if app.job_queue is None:
        raise RuntimeError("python-telegram-bot was installed without its job-queue extra")
    scheduler.install_jobs(app.job_queue, app.bot_data.services, app.bot_data.wake)


@dataclass
class ZaloChannel:
    api: ZaloApi
    sender: Sender
    intake: ZaloIntake


def zalo_channel(data: BotData) -> ZaloChannel:
    """Zalo beside Telegram: the same intake, router, store and services."""
    settings, store = data.settings, data.services.store
    api = ZaloApi(settings.zalo_api_base_url, settings.zalo_bot_token or "", data.zalo_transport)
    transport = ZaloTransport(api, store, data.clock.now)

    async def quota() -> None:
        await warn_about_quota(data.services)

    pacer = Pacer(settings.zalo_send_rate, settings.chat_interval)

    async def alert(kind: str) -> None:
        await zalo_alert(data.services, kind)
        data.wake()

    admin = str(settings.admin_chat_id) if settings.admin_chat_id and settings.bot_token else None
    sender = Sender(
        store, transport, data.clock, pacer, after=quota, admin_chat=admin, on_alert=alert
    )
    return ZaloChannel(api, sender, ZaloIntake(api, store, data.take.take, data.clock.now))


async def start_zalo(
    zalo: ZaloChannel, settings: Settings, stop: asyncio.Event
) -> list[asyncio.Task[None]]:
    """Webhook mode when ZALO_WEBHOOK_URL is set (the production setting; the server closes on
    stop), else polling (for development). Every call to Zalo is made before any task starts:
    a failure leaves nothing running."""
    await zalo.api.call("getMe")
    if not settings.zalo_webhook_url:
        await zalo.api.call("deleteWebhook")
        return [
            asyncio.create_task(zalo.sender.run(stop)),
            asyncio.create_task(zalo.intake.run(stop)),
        ]
    secret = settings.zalo_webhook_secret or ""
    host, _, port = settings.zalo_webhook_listen.rpartition(":")
    webhook = ZaloWebhook(
        zalo.intake,
        secret,
        idle=settings.zalo_webhook_timeout,
        max_connections=settings.zalo_webhook_connections,
    )
    await webhook.start(host or "0.0.0.0", int(port))  # listening before Zalo is told where
    try:
        url = settings.zalo_webhook_url
        await zalo.api.call("setWebhook", {"url": url, "secret_token": secret})
    except BaseException:
        await webhook.stop()
        raise

    async def serve_until_stopped() -> None:
        await stop.wait()
        await webhook.stop()

    return [
        asyncio.create_task(zalo.sender.run(stop)),
        asyncio.create_task(take_when_woken(zalo.intake, stop)),
        asyncio.create_task(serve_until_stopped()),
    ]


async def keep_zalo_up(zalo: ZaloChannel, settings: Settings, stop: asyncio.Event) -> None:
    """Beside Telegram, Zalo never stops the bot: a failing start is said in one line and
    tried again with a growing pause, until it comes up or the bot stops."""
    pause = 5.0
    while not stop.is_set():
        try:
            tasks = await start_zalo(zalo, settings, stop)
        except (ZaloError, OSError) as err:
            log.warning(texts.ZALO_START_FAILED.format(error=err, seconds=int(pause)))
            await woken_or_stopped(asyncio.Event(), stop, pause)
            pause = min(pause * 2, 300.0)
            continue
        log.info("Zalo is up")
        await asyncio.gather(*tasks)
        return


async def post_shutdown(app: SoKhoeApp) -> None:
    if app.bot_data.zalo is not None:
        await app.bot_data.zalo.api.close()
    await app.bot_data.services.store.close()


async def register_commands(app: SoKhoeApp) -> None:
    """The command menu Telegram shows: what every enrolled person may use."""
    router = app.bot_data.router
    staff = Person(0, "", "", Unit("", ""), frozenset({Role.STAFF}), "")
    names = list(router.commands_for(staff))
    await app.bot.set_my_commands(
        [BotCommand(n, texts.COMMAND_DESCRIPTIONS.get(n, n)) for n in names]
    )


async def run_bot(settings: Settings) -> None:
    """Poll and send until SIGINT or SIGTERM; then finish the batch in hand and close the store.
    A messenger that refuses at start-up stops everything before anything runs."""
    app = build_application(settings)
    stop = stop_on_signals()
    async with lifespan(app), running(app, stop, jobs=True):
        channels = ("Telegram @" + app.bot.username if settings.bot_token else "") + (
            " + Zalo" if app.bot_data.zalo is not None else ""
        )
        print(texts.RUN_STARTED.format(channels=channels.strip(" +")), flush=True)
        await stop.wait()
    print(texts.RUN_STOPPED, flush=True)


def stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    return stop


@asynccontextmanager
async def running(app: SoKhoeApp, stop: asyncio.Event, jobs: bool) -> AsyncIterator[None]:
    """The intakes, senders and export worker running, what today still owes caught up, and
    (with `jobs`) the daily jobs on the JobQueue; all stopped on the way out. The demo runs
    the jobs on its own clock instead (see `bot.demo`)."""
    data, settings = app.bot_data, app.bot_data.settings
    if settings.bot_token:
        await register_commands(app)
    if data.zalo is not None and not settings.bot_token:
        await data.zalo.api.call("getMe")  # Zalo alone: a wrong token is said at once
    await app.start()
    tasks: list[asyncio.Task[None]] = []
    try:
        if jobs:
            install_jobs(app)
        await scheduler.catch_up(data.services)
        tasks.append(asyncio.create_task(data.exports.run(stop)))
        if settings.bot_token:
            tasks += [
                asyncio.create_task(data.intake.run(stop)),
                asyncio.create_task(data.sender.run(stop)),
            ]
        if data.zalo is not None and settings.bot_token:
            tasks.append(asyncio.create_task(keep_zalo_up(data.zalo, settings, stop)))
        elif data.zalo is not None:
            tasks += await start_zalo(data.zalo, settings, stop)
        yield
    finally:
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
        await app.stop()
