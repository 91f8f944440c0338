"""Many organizations, several worker processes: `python -m bot run` on PostgreSQL.

Each worker holds a lease per organization it runs (`sokhoe.leases`, renewed every
`RENEW_EVERY` seconds, lasting `LEASE_TTL`): the organization's bot — its intakes, senders,
export worker and daily jobs — runs in the one process that holds it. A worker that dies stops
renewing; another takes its organizations within `LEASE_TTL + RENEW_EVERY` (10 s). A worker
that loses a lease (paused, cut off) stops that bot at once, and its store commits nothing
meanwhile (the lease is checked in every transaction: `storage.postgres.db.LeaseLostError`).
Workers share the organizations: each takes up to its share of those nobody holds."""

from __future__ import annotations

import asyncio
import logging
import math
import os
import socket
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, replace

from bot.app import build_application, lifespan, running
from bot.cli import redact
from bot.config import load_settings, organization_environment
from bot.loops import woken_or_stopped
from core import texts
from core.settings import Settings
from storage.postgres.registry import Organization, Registry

log = logging.getLogger(__name__)

LEASE_TTL = 5.0  # seconds a lease lasts unless renewed (four renewals)
RENEW_EVERY = 1.0  # renew, and look for organizations nobody runs, this often
REST_AFTER_FAILURE = 60.0  # an organization whose bot failed to start is tried again after this


@dataclass
class _Bot:
    task: asyncio.Task[None]
    stop: asyncio.Event


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def organization_settings(
    environ: Mapping[str, str], url: str, org: Organization, worker: str
) -> Settings:
    """The deployment's environment with the organization's own settings over it."""
    values = {**organization_environment(environ, org.settings, org.code), "DATABASE_URL": url}
    return replace(load_settings(values, env_file=None), worker=worker)


async def run_organization(settings: Settings, stop: asyncio.Event) -> None:
    redact(settings.bot_token, settings.zalo_bot_token)
    app = build_application(settings)
    async with lifespan(app), running(app, stop, jobs=True):
        log.info("organization %s: running", settings.organization)
        await stop.wait()


async def run_workers(
    environ: Mapping[str, str], url: str, only: str | None, stop: asyncio.Event, worker: str
) -> None:
    """Run the organizations this worker holds (of all, or only `only`) until `stop`."""
    registry = await Registry.open(url)
    bots: dict[str, _Bot] = {}
    resting: dict[str, float] = {}
    free_since: dict[str, float] = {}  # organizations nobody runs, since when (seen from here)
    try:
        await registry.heartbeat(worker, LEASE_TTL)
        # the workers started together see each other before any takes its share
        await woken_or_stopped(asyncio.Event(), stop, 2 * RENEW_EVERY)
        print(texts.WORKER_STARTED.format(worker=worker), flush=True)
        while not stop.is_set():
            alive = await registry.heartbeat(worker, LEASE_TTL)
            held = await registry.renew(worker, list(bots), LEASE_TTL)
            for code in list(bots):
                bot = bots[code]
                if code not in held:
                    log.warning("organization %s: lease lost, stopped here", code)
                    await _stop(bots.pop(code))
                elif bot.task.done():
                    await _stop(bots.pop(code))
                    await registry.release(worker, code)
                    resting[code] = time.monotonic() + REST_AFTER_FAILURE
            organizations = [
                o
                for o in await registry.organizations()
                if only is None or o.code.lower() == only.lower()
            ]
            share = math.ceil(len(organizations) / max(alive, 1))
            free = await registry.free()
            now = time.monotonic()
            free_since = {code: free_since.get(code, now) for code in free}
            for org in organizations:
                if org.code in bots or org.code not in free:
                    continue
                # its share first; one that nobody took for a while, whoever sees it
                if len(bots) >= share and now - free_since[org.code] < 2 * RENEW_EVERY:
                    continue
                if resting.get(org.code, 0.0) > now:
                    continue
                if await registry.take(worker, org.code, LEASE_TTL):
                    bots[org.code] = _start(environ, url, org, worker)
            await woken_or_stopped(asyncio.Event(), stop, RENEW_EVERY)
    finally:
        for code, bot in list(bots.items()):
            await _stop(bot)
            await registry.release(worker, code)
        await registry.close()


def _start(environ: Mapping[str, str], url: str, org: Organization, worker: str) -> _Bot:
    stop = asyncio.Event()

    async def guarded() -> None:
        try:
            await run_organization(organization_settings(environ, url, org, worker), stop)
        except Exception as err:  # one organization's failure never stops the others
            log.error(texts.WORKER_ORG_FAILED.format(org=org.code, error=type(err).__name__))
            raise

    log.info("organization %s: taken by %s", org.code, worker)
    return _Bot(asyncio.create_task(guarded()), stop)


async def _stop(bot: _Bot) -> None:
    bot.stop.set()
    await asyncio.gather(bot.task, return_exceptions=True)
