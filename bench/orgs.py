"""A province on one PostgreSQL: N organizations × M people (20 × 2,500 = 50,000), each with its
own bot, run by W worker processes (`python -m bot run` with DATABASE_URL), end to end: each
bot's Bot API is a process of its own that enforces Telegram's limits (30 messages a second per
bot, one a second per chat) and plays the people, tapping the one-tap answer 0–60 s after their
prompt (80%; the rest later) — `bench/fake_bot_api.py`, as in `bench/e2e.py`.

Prints the broadcast across all bots against N × 30 a second (the prompts, and every limited
message while the prompts went out), the 429s, tap → acknowledgement and tap → confirmation
(p50, p95, max), the answers committed per organization, and the workers' peak memory.

    python bench/orgs.py --postgres postgresql://postgres@127.0.0.1:5432/bench
        [--orgs 20] [--people 2500] [--workers 2] [--pool 4]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from e2e import TOKEN, free_port, peak_mib, percentiles  # noqa: E402  (bench/)

from core.domain import Channel  # noqa: E402
from storage.postgres.registry import Registry  # noqa: E402
from storage.postgres.store import PgStore  # noqa: E402
from tests.fakes.loopback import seed_people, slot_settings  # noqa: E402

RATE = 30  # messages a second per bot (the fake's limit)


async def prepare(url: str, codes: list[str], people: int, apis: dict[str, str]) -> None:
    """Each organization afresh: its people enrolled, its settings (its own fake Bot API, a
    morning prompt half a minute from now)."""
    conn = await asyncpg.connect(url)
    for code in codes:
        await conn.execute(f"DROP SCHEMA IF EXISTS org_{code} CASCADE")
    if await conn.fetchval("SELECT to_regclass('sokhoe.organizations') IS NOT NULL"):
        await conn.execute("DELETE FROM sokhoe.leases")
        await conn.execute("DELETE FROM sokhoe.workers")
        await conn.execute("DELETE FROM sokhoe.organizations")
    await conn.close()

    async def one(code: str) -> None:
        async with await PgStore.open(url, code) as store:
            await seed_people(store, people, Channel.TELEGRAM, lambda p: str(10_000 + p))

    started = time.perf_counter()
    for first in range(0, len(codes), 4):  # a few at a time: each is one long transaction
        await asyncio.gather(*(one(code) for code in codes[first : first + 4]))
    print(f"seeded {len(codes)} × {people:,} in {time.perf_counter() - started:.0f} s",
          file=sys.stderr)  # fmt: skip
    slots = slot_settings(lead=40)
    registry = await Registry.open(url)
    for code in codes:
        await registry.set_settings(
            code,
            {"BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": apis[code], "ORG_NAME": code, **slots},
        )
    await registry.close()


async def committed(url: str, codes: list[str]) -> dict[str, int]:
    conn = await asyncpg.connect(url)
    try:
        return {c: int(await conn.fetchval(f"SELECT count(*) FROM org_{c}.declarations"))
                for c in codes}  # fmt: skip
    finally:
        await conn.close()


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a running process so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_seconds() -> float:
    """CPU time of the whole machine so far (all cores, busy or not)."""
    first = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    return sum(int(v) for v in first[:8]) / os.sysconf("SC_CLK_TCK")


def machine_busy() -> float:
    first = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    idle = int(first[3]) + int(first[4])
    return (sum(int(v) for v in first[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def run(url: str, orgs: int, people: int, workers: int, seed: int, pool: int) -> dict[str, Any]:
    codes = [f"b{n:02d}" for n in range(1, orgs + 1)]
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        ports = {code: free_port() for code in codes}
        fakes = [
            subprocess.Popen([sys.executable, str(ROOT / "bench" / "fake_bot_api.py"),
                              str(ports[c]), TOKEN, str(work / f"{c}.json"), str(seed + n)])
            for n, c in enumerate(codes)
        ]  # fmt: skip
        apis = {c: f"http://127.0.0.1:{ports[c]}" for c in codes}
        asyncio.run(prepare(url, codes, people, apis))
        env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "ORG", "ZALO_"))}
        env.update(DATABASE_URL=url, PYTHONPATH=str(ROOT), LOG_LEVEL="WARNING")
        env.update(PG_POOL_SIZE=str(pool))
        logs = [(work / f"worker{n}.log").open("w") for n in range(workers)]
        running = [
            subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=work, env=env,
                             stdout=log, stderr=subprocess.STDOUT)
            for log in logs
        ]  # fmt: skip
        peaks = [0.0] * workers
        cpu: dict[str, float] = {}
        busy_at, total_at = machine_busy(), machine_seconds()

        def snapshot() -> dict[str, float]:
            return {
                "workers": sum(cpu_seconds(w.pid) for w in running),
                "fakes": sum(cpu_seconds(f.pid) for f in fakes),
                "busy": machine_busy() - busy_at,
                "all": machine_seconds() - total_at,
            }

        data: dict[str, dict[str, Any]] = {}
        deadline = time.monotonic() + people / 10 + 600
        try:
            while time.monotonic() < deadline:
                time.sleep(5)
                peaks = [max(p, peak_mib(w.pid)) for p, w in zip(peaks, running, strict=True)]
                counts = [httpx.get(f"{apis[c]}/progress", timeout=30).json() for c in codes]
                asked = sum(c["prompts"] for c in counts)
                tapped = sum(c["taps"] for c in counts)
                done = sum(c["confirmed"] for c in counts)
                print(f"  {asked:,} prompts, {tapped:,} taps, {done:,} confirmed",
                      file=sys.stderr, flush=True)  # fmt: skip
                if asked >= orgs * people and not cpu:  # the broadcast is over: its CPU
                    cpu = snapshot()
                if any(w.poll() is not None for w in running):
                    print("  a worker ended", file=sys.stderr)
                    break
                if asked >= orgs * people and done >= orgs * people:
                    break
        finally:
            cpu = cpu or snapshot()
            for code in codes:  # the whole record once, at the end: it is large
                httpx.post(f"{apis[code]}/report", timeout=30)
                data[code] = json.loads((work / f"{code}.json").read_text())
            for worker in running:
                worker.send_signal(signal.SIGTERM)
            for worker in running:
                try:
                    worker.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    worker.kill()
            for fake in fakes:
                fake.terminate()
                fake.wait(timeout=10)
            for log in logs:
                log.close()
            for n in range(workers):
                tail = (work / f"worker{n}.log").read_text()[-1500:]
                if "Traceback" in tail or "ERROR" in tail:
                    print(f"--- worker {n}\n{tail}", file=sys.stderr)
        stored = asyncio.run(committed(url, codes))
    prompts = sorted(t for d in data.values() for t in d["prompts"])
    span = prompts[-1] - prompts[0] if len(prompts) > 1 else 0.0
    sent = [
        t
        for d in data.values()
        for t in d["messages"]
        if prompts and prompts[0] <= t <= prompts[-1]
    ]
    per_bot = []
    for d in data.values():
        own = d["prompts"]
        if len(own) > 1 and own[-1] > own[0]:
            inside = [t for t in d["messages"] if own[0] <= t <= own[-1]]
            per_bot.append(len(inside) / (own[-1] - own[0]) / RATE)
    taps = [t for d in data.values() for t in d["taps"]]
    return {
        "orgs": orgs, "people": people, "workers": workers, "prompts": len(prompts),
        "span": span, "rate": (len(prompts) - 1) / span if span else 0.0,
        "overall": len(sent) / span if span else 0.0, "messages": len(sent),
        "per_bot": sorted(per_bot),
        "starts": sorted(d["prompts"][0] - prompts[0] for d in data.values() if d["prompts"]),
        "ends": sorted(prompts[-1] - d["prompts"][-1] for d in data.values() if d["prompts"]),
        "too_many": sum(d["too_many"] for d in data.values()),
        "too_many_chat": sum(d["too_many_chat"] for d in data.values()),
        "too_many_early": sum(  # in the first two seconds of the bot's own prompts
            1 for d in data.values() for t in d["too_many_at"] if d["prompts"] and
            t < d["prompts"][0] + 2
        ),
        "acks": [t["acked"] - t["tapped"] for t in taps if t.get("acked") is not None],
        "confirms": [t["confirmed"] - t["tapped"] for t in taps if t.get("confirmed") is not None],
        "taps": len(taps), "stored": stored, "peaks": peaks, "cpu": cpu, "pool": pool,
    }  # fmt: skip


def show(r: dict[str, Any]) -> None:
    limit = r["orgs"] * RATE
    print(f"--- {r['orgs']} organizations × {r['people']:,} people on PostgreSQL, "
          f"{r['workers']} workers, PG_POOL_SIZE={r['pool']}")  # fmt: skip
    print(f"prompts:          {r['prompts']:,} in {r['span']:.0f} s = {r['rate']:.0f}/s")
    print(f"all messages:     {r['messages']:,} while the prompts went out, {r['overall']:.0f}/s"
          f" = {r['overall'] / limit:.0%} of {r['orgs']} × {RATE}/s; 429 answers: "
          f"{r['too_many']} ({r['too_many_chat']} for a chat's own limit, "
          f"{r['too_many_early']} in a bot's first two seconds)")  # fmt: skip
    if r["per_bot"]:
        bots = r["per_bot"]
        print(f"each bot:         min {bots[0]:.0%}, median {bots[len(bots) // 2]:.0%}, "
              f"max {bots[-1]:.0%} of {RATE}/s while its own prompts went out")  # fmt: skip
        print(f"                  the bots' first prompts within {r['starts'][-1]:.1f} s of the "
              f"first, their last within {r['ends'][-1]:.1f} s of the last")  # fmt: skip
    print(f"tap → ack:        {percentiles(r['acks'])}  ({len(r['acks']):,} acked)")
    print(f"tap → confirmed:  {percentiles(r['confirms'])}  "
          f"({len(r['confirms']):,} of {r['taps']:,} taps)")  # fmt: skip
    stored = r["stored"]
    cpu = r["cpu"]
    if cpu.get("all"):
        rest = cpu["busy"] - cpu["workers"] - cpu["fakes"]
        print(f"CPU until the last prompt: the machine {cpu['busy'] / cpu['all']:.0%} busy; "
              f"of that, the workers {cpu['workers'] / cpu['busy']:.0%}, the fake Bot APIs "
              f"{cpu['fakes'] / cpu['busy']:.0%}, PostgreSQL and the rest "
              f"{rest / cpu['busy']:.0%}")  # fmt: skip
    print(f"committed:        {sum(stored.values()):,} answers "
          f"(each organization {min(stored.values()):,}–{max(stored.values()):,}); "
          f"workers' peak memory {', '.join(f'{p:.0f}' for p in r['peaks'])} MiB")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--postgres", required=True, help="postgresql://… (a database to use)")
    parser.add_argument("--orgs", type=int, default=20)
    parser.add_argument("--people", type=int, default=2500)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--pool", type=int, default=4, help="PG_POOL_SIZE of each organization")
    args = parser.parse_args()
    show(run(args.postgres, args.orgs, args.people, args.workers, args.seed, args.pool))


if __name__ == "__main__":
    main()
