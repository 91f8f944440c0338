"""Assembly: settings → store → channels → handlers → jobs, and the run loop."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import time, timedelta
from typing import Any

import httpx
from telegram import BotCommand, Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackContext,
    ContextTypes,
    Defaults,
    ExtBot,
    JobQueue,
    TypeHandler,
)
from telegram.request import HTTPXRequest

import handlers
from bot import texts
from bot.channels.telegram import (
    TelegramIntake,
    TelegramOff,
    TelegramTransport,
    event_key,
    to_event,
)
from bot.channels.zalo import (
    QuotaWatch,
    ZaloApi,
    ZaloIntake,
    ZaloTransport,
    ZaloWebhook,
    take_when_woken,
)
from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.domain import Person, Role, Unit
from bot.exporting import ExportWorker
from bot.files import read_questionnaire
from bot.messages import Event, Reply
from bot.pacing import Pacer
from bot.sender import Sender
from handlers.router import Router, Services
from scheduler import JobSpec, catch_up, job_specs
from storage import Store

log = logging.getLogger(__name__)


class BotData:
    """The services, typed: created in `post_init`, closed in `post_shutdown`."""

    settings: Settings
    clock: Clock
    services: Services
    router: Router
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
    """The real python-telegram-bot Application; `transport` lets tests fake the Bot API."""
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
    app: SoKhoeApp = builder.build()  # type: ignore[assignment]
    app.bot_data.settings = settings
    app.bot_data.clock = clock or SystemClock()
    app.bot_data.zalo_transport = zalo_transport
    app.bot_data.router = handlers.register(Router())
    app.add_handler(TypeHandler(Update, _on_update))
    app.add_error_handler(_on_error)
    return app


@asynccontextmanager
async def lifespan(app: SoKhoeApp) -> AsyncIterator[SoKhoeApp]:
    """Initialize the bot (getMe) and open the services; close them all on the way out.

    python-telegram-bot calls `post_init` only from its own `run_polling`, which this bot does
    not use (see TelegramIntake), so the two hooks are called here.
    """
    await app.initialize()
    try:
        await post_init(app)
        try:
            yield app
        finally:
            await post_shutdown(app)
    finally:
        await app.shutdown()


async def post_init(app: SoKhoeApp) -> None:
    data = app.bot_data
    form = read_questionnaire(data.settings.questionnaire_path)
    store = await Store.open(data.settings.database_path)
    data.services = Services(store, data.settings, data.clock, form)
    pacer = Pacer(data.settings.send_rate, data.settings.chat_interval)
    data.sender = Sender(store, TelegramTransport(app.bot), data.clock, pacer)

    async def process_batch(updates: list[Update]) -> None:
        """One commit for the whole batch (see handlers.router)."""

        async def each() -> None:
            for update in updates:
                await app.process_update(update)  # its error handler apologises

        await data.router.take(data.services, [event_key(u) for u in updates], each)

    data.exports = ExportWorker(data.services, data.sender.wake)

    def committed() -> None:
        data.sender.wake()
        data.exports.wake()
        if data.zalo is not None:
            data.zalo.sender.wake()

    data.wake = committed
    data.intake = TelegramIntake(app.bot, process_batch, committed)
    data.zalo = None
    if data.settings.zalo_bot_token:
        data.zalo = zalo_channel(data, committed)


def install_jobs(app: SoKhoeApp) -> None:
    """The daily jobs, derived from settings under stable names, replacing any of that name.
    The callbacks read the date and everything else from the clock and the database."""
    job_queue = app.job_queue
    assert job_queue is not None  # the job-queue extra is a dependency
    tz = app.bot_data.settings.tz
    for spec in job_specs(app.bot_data.services):
        for old in job_queue.get_jobs_by_name(spec.name):
            old.schedule_removal()
        job_queue.run_daily(
            _run_job,
            time=spec.timing.at.replace(tzinfo=tz),
            name=spec.name,
            data=spec,
            # APScheduler's default grace is 1 s: a busy loop would silently skip a prompt
            job_kwargs={"misfire_grace_time": 15 * 60, "coalesce": True},
        )

    for old in job_queue.get_jobs_by_name("housekeeping"):
        old.schedule_removal()
    job_queue.run_daily(_housekeeping, time=time(3, 0, tzinfo=tz), name="housekeeping")


async def _housekeeping(context: Context) -> None:
    """Forget inbound event keys older than a week (Telegram keeps updates for a day)."""
    data = context.bot_data
    forgotten = await data.services.store.forget_events_before(data.clock.now() - timedelta(days=7))
    log.info("housekeeping: %d event keys forgotten", forgotten)


async def _run_job(context: Context) -> None:
    spec = context.job.data if context.job else None
    if not isinstance(spec, JobSpec):
        return
    data = context.bot_data
    await spec.run(data.services, data.clock.now())
    data.wake()


@dataclass
class ZaloChannel:
    api: ZaloApi
    sender: Sender
    intake: ZaloIntake
    quota: QuotaWatch


def zalo_channel(data: BotData, committed: Callable[[], None]) -> ZaloChannel:
    """Zalo beside Telegram: the same router, store and services."""
    settings, store = data.settings, data.services.store
    api = ZaloApi(settings.zalo_api_base_url, settings.zalo_bot_token or "", data.zalo_transport)
    transport = ZaloTransport(api, store, data.clock.now)
    quota = QuotaWatch(store, settings, data.clock.now)
    sender = Sender(
        store,
        transport,
        data.clock,
        Pacer(settings.zalo_send_rate, settings.chat_interval),
        after=quota.check,
    )

    async def handle(events: list[Event]) -> None:
        async def each() -> None:
            for event in events:
                await data.router.handle_safely(event, data.services)

        await data.router.take(data.services, [e.key for e in events], each)
        committed()

    return ZaloChannel(api, sender, ZaloIntake(api, store, handle, data.clock.now), quota)


async def start_zalo(
    zalo: ZaloChannel, settings: Settings, stop: asyncio.Event
) -> list[asyncio.Task[None]]:
    """Webhook mode when ZALO_WEBHOOK_URL is set (the server closes on stop), else polling."""
    await zalo.api.call("getMe")
    tasks = [asyncio.create_task(zalo.sender.run(stop))]
    if not settings.zalo_webhook_url:
        await zalo.api.call("deleteWebhook")
        return [*tasks, asyncio.create_task(zalo.intake.run(stop))]
    secret = settings.zalo_webhook_secret or ""
    await zalo.api.call("setWebhook", {"url": settings.zalo_webhook_url, "secret_token": secret})
    host, _, port = settings.zalo_webhook_listen.rpartition(":")
    server = await ZaloWebhook(zalo.intake, secret).serve(host or "0.0.0.0", int(port))

    async def serve_until_stopped() -> None:
        await stop.wait()
        server.close()
        await server.wait_closed()

    return [
        *tasks,
        asyncio.create_task(take_when_woken(zalo.intake, stop)),
        asyncio.create_task(serve_until_stopped()),
    ]


async def post_shutdown(app: SoKhoeApp) -> None:
    if app.bot_data.zalo is not None:
        await app.bot_data.zalo.api.close()
    await app.bot_data.services.store.close()


async def _on_update(update: object, context: Context) -> None:
    if not isinstance(update, Update):
        return
    data = context.bot_data
    event = to_event(update, data.clock.now())
    if event is not None:
        await data.router.handle(event, data.services)


async def _on_error(update: object, context: Context) -> None:
    """Log with context (ids, never message text), apologise, and tell the admin chat."""
    error = context.error
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("error handling update %s", update_id, exc_info=error)
    data = context.bot_data
    now = data.clock.now()
    store = data.services.store
    if isinstance(update, Update) and update.effective_chat is not None:
        chat = str(update.effective_chat.id)
        await store.enqueue_reply(
            data.sender.transport.channel, chat, Reply(texts.INTERNAL_ERROR), now
        )
    if data.settings.admin_chat_id is not None:
        notice = texts.ADMIN_ERROR.format(key=update_id, error=type(error).__name__)
        await store.enqueue_reply(
            data.sender.transport.channel, str(data.settings.admin_chat_id), Reply(notice), now
        )


async def register_commands(app: SoKhoeApp) -> None:
    """The command menu Telegram shows: what every enrolled person may use."""
    router = app.bot_data.router
    staff = Person(0, "", "", Unit("", ""), frozenset({Role.STAFF}), "")
    names = list(router.commands_for(staff))
    await app.bot.set_my_commands(
        [BotCommand(n, texts.COMMAND_DESCRIPTIONS.get(n, n)) for n in names]
    )


async def run_bot(settings: Settings) -> None:
    """Poll and send until SIGINT or SIGTERM; then finish the batch in hand and close the store."""
    app = build_application(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with lifespan(app):
        if settings.bot_token:
            await register_commands(app)
        await app.start()
        data = app.bot_data
        if settings.bot_token and not settings.bot_username:
            settings = data.settings = _with_username(settings, app.bot.username)
            data.services.settings = settings
        install_jobs(app)
        await catch_up(data.services)
        channels = ("Telegram @" + app.bot.username if settings.bot_token else "") + (
            " + Zalo" if data.zalo is not None else ""
        )
        print(texts.RUN_STARTED.format(channels=channels.strip(" +")), flush=True)
        tasks = [asyncio.create_task(data.exports.run(stop))]
        if settings.bot_token:
            tasks += [
                asyncio.create_task(data.intake.run(stop)),
                asyncio.create_task(data.sender.run(stop)),
            ]
        if data.zalo is not None:
            tasks += await start_zalo(data.zalo, settings, stop)
        await stop.wait()
        await asyncio.gather(*tasks)
        await app.stop()
    print(texts.RUN_STOPPED, flush=True)


def _with_username(settings: Settings, username: str) -> Settings:
    return replace(settings, bot_username=username)
