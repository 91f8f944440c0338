"""The deployment's organizations and who runs them: each organization's own settings, and a
lease per organization that one worker process holds at a time. Times are the database's
(`now()`), so that the workers' clocks never have to agree."""

from __future__ import annotations

import json
from dataclasses import dataclass

import asyncpg

from storage.postgres import connect, enter_shared


@dataclass(frozen=True)
class Organization:
    code: str
    settings: dict[str, str]  # environment names → values, over the deployment's own


class Registry:
    """`await Registry.open(url)`; one connection (the supervisor's few statements a second)."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    @classmethod
    async def open(cls, url: str) -> Registry:
        conn = await connect(url)
        async with conn.transaction():
            await enter_shared(conn)
        return cls(conn)

    async def close(self) -> None:
        await self._conn.close()

    async def organizations(self) -> list[Organization]:
        rows = await self._conn.fetch(
            "SELECT code, settings FROM sokhoe.organizations ORDER BY code"
        )
        return [Organization(r["code"], json.loads(r["settings"])) for r in rows]

    async def set_settings(self, code: str, settings: dict[str, str]) -> bool:
        """Replace an organization's settings; False when there is no such organization."""
        status = await self._conn.execute(
            "UPDATE sokhoe.organizations SET settings = $2 WHERE lower(code) = lower($1)",
            code,
            json.dumps(settings, ensure_ascii=False, sort_keys=True),
        )
        return bool(status.endswith(" 1"))

    async def heartbeat(self, worker: str, within: float) -> int:
        """This worker is alive; how many workers are (seen within the last `within` seconds)."""
        await self._conn.execute(
            "INSERT INTO sokhoe.workers (id, seen_at) VALUES ($1, now())"
            " ON CONFLICT (id) DO UPDATE SET seen_at = now()",
            worker,
        )
        alive = await self._conn.fetchval(
            "SELECT count(*) FROM sokhoe.workers WHERE seen_at > now() - make_interval(secs => $1)",
            within,
        )
        return int(alive)

    async def renew(self, worker: str, held: list[str], ttl: float) -> set[str]:
        """Extend this worker's leases; the ones it still holds (a lease it lost is not)."""
        rows = await self._conn.fetch(
            "UPDATE sokhoe.leases SET expires_at = now() + make_interval(secs => $3)"
            " WHERE holder = $1 AND org = ANY($2::text[]) AND expires_at > now() RETURNING org",
            worker,
            held,
            ttl,
        )
        return {r["org"] for r in rows}

    async def take(self, worker: str, org: str, ttl: float) -> bool:
        """The organization's lease, if nobody holds it (or its holder let it expire)."""
        taken = await self._conn.fetchval(
            "INSERT INTO sokhoe.leases (org, holder, expires_at)"
            " VALUES ($2, $1, now() + make_interval(secs => $3))"
            " ON CONFLICT (org) DO UPDATE SET holder = $1, expires_at = excluded.expires_at"
            " WHERE sokhoe.leases.expires_at <= now() OR sokhoe.leases.holder = $1 RETURNING org",
            worker,
            org,
            ttl,
        )
        return taken is not None

    async def free(self) -> set[str]:
        """Organizations whose lease nobody holds now."""
        rows = await self._conn.fetch(
            "SELECT o.code FROM sokhoe.organizations o LEFT JOIN sokhoe.leases l ON l.org = o.code"
            " WHERE l.org IS NULL OR l.expires_at <= now()"
        )
        return {r["code"] for r in rows}

    async def release(self, worker: str, org: str) -> None:
        await self._conn.execute(
            "DELETE FROM sokhoe.leases WHERE org = $1 AND holder = $2", org, worker
        )

    async def holders(self) -> dict[str, str]:
        """Organization → the worker holding it now."""
        rows = await self._conn.fetch(
            "SELECT org, holder FROM sokhoe.leases WHERE expires_at > now()"
        )
        return {r["org"]: r["holder"] for r in rows}
