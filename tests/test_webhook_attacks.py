"""The Zalo webhook of a real bot process, attacked without the secret and with it: idle
sockets, a header flood, a chunked body, a short body, nested JSON, a wrong secret. A valid
update posted meanwhile is kept and answered within 2 s; the process stays under 150 MB."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.fakes.loopback import Loopback, start_bot
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.zalo_api import ZALO_TOKEN, FakeZalo
from tests.harness import free_port

SECRET = "webhook-secret-123"
IDLE = 2  # ZALO_WEBHOOK_TIMEOUT for this test


@contextmanager
def webhook_bot(tmp_path: Path) -> Iterator[tuple[int, Loopback[FakeZalo], subprocess.Popen[str]]]:
    port = free_port()
    telegram, zalo = Loopback(FakeTelegram()), Loopback(FakeZalo())
    with telegram.serving(), zalo.serving():
        process = start_bot(
            tmp_path, telegram, LOG_LEVEL="ERROR", ZALO_BOT_TOKEN=ZALO_TOKEN,
            ZALO_API_BASE_URL=zalo.url, ZALO_SEND_RATE="0",
            ZALO_WEBHOOK_URL="https://sokhoe.example/zalo", ZALO_WEBHOOK_SECRET=SECRET,
            ZALO_WEBHOOK_LISTEN=f"127.0.0.1:{port}", ZALO_WEBHOOK_TIMEOUT=str(IDLE),
        )  # fmt: skip
        try:
            assert zalo.wait_for(lambda f: bool(f.webhook.get("url"))), "no webhook was set"
            yield port, zalo, process
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def raw(port: int, data: bytes, wait: float = 5) -> bytes:
    """Send bytes as they are; what the server answers before closing (or `wait` passes)."""
    with socket.create_connection(("127.0.0.1", port), timeout=wait) as conn:
        try:
            conn.sendall(data)
            return conn.recv(200)
        except (TimeoutError, ConnectionError):
            return b""


def status_of(answer: bytes) -> int:
    parts = answer.split(b" ", 2)
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0


def answered(zalo: Loopback[FakeZalo], chat: str, timeout: float) -> bool:
    return zalo.wait_for(lambda f: any(s.chat_id == chat for s in f.sent), timeout=timeout)


def post(port: int, chat: str, message_id: str) -> tuple[int, float]:
    update = FakeZalo().update(chat, "xin chào", message_id=message_id)
    started = time.monotonic()
    response = httpx.post(
        f"http://127.0.0.1:{port}/zalo",
        json=update,
        headers={"X-Bot-Api-Secret-Token": SECRET},
        timeout=5,
    )
    return response.status_code, time.monotonic() - started


def test_idle_sockets_and_a_header_flood_do_not_stop_a_valid_update(tmp_path: Path) -> None:
    with webhook_bot(tmp_path) as (port, zalo, process):
        idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(1000)]
        flood_result: list[int] = []

        def flood() -> None:
            head = b"POST /zalo HTTP/1.1\r\nHost: x\r\n"
            lines = b"".join(b"X-Flood-%d: %s\r\n" % (n, b"y" * 20) for n in range(100_000))
            flood_result.append(status_of(raw(port, head + lines + b"\r\n")))

        flooding = threading.Thread(target=flood)
        flooding.start()
        try:
            status, seconds = post(port, "zl-valid", "valid-1")
            assert status == 200 and seconds < 2
            assert answered(zalo, "zl-valid", timeout=2)
            flooding.join(timeout=30)
            assert flood_result and flood_result[0] in (0, 400, 431)  # refused, never kept
            assert rss_mib(process.pid) < 150
        finally:
            for conn in idle:
                conn.close()


def test_chunked_short_nested_and_wrong_secret(tmp_path: Path) -> None:
    with webhook_bot(tmp_path) as (port, zalo, _):
        update = json.dumps(FakeZalo().update("zl-chunked", "chào", message_id="c-1")).encode()
        chunked = (
            b"POST /zalo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
            + f"X-Bot-Api-Secret-Token: {SECRET}\r\n\r\n".encode()
            + b"%x\r\n%s\r\n0\r\n\r\n" % (len(update), update)
        )
        assert status_of(raw(port, chunked)) == 200
        assert answered(zalo, "zl-chunked", timeout=5)  # kept, then answered

        short = (
            b"POST /zalo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n"
            + f"X-Bot-Api-Secret-Token: {SECRET}\r\n\r\n".encode()
            + b'{"message": '
        )
        started = time.monotonic()
        assert status_of(raw(port, short, wait=IDLE + 5)) in (0, 408)  # answered or closed
        assert time.monotonic() - started < IDLE + 4  # never a hang

        nested = b"[" * 100_000 + b"]" * 100_000
        headers = {"X-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"}
        url = f"http://127.0.0.1:{port}/zalo"
        assert httpx.post(url, content=nested[:60_000], headers=headers).status_code == 400
        assert httpx.post(url, content=nested, headers=headers).status_code == 413
        wrong = {"X-Bot-Api-Secret-Token": "guess"}
        assert httpx.post(url, content=update, headers=wrong).status_code == 403
        assert httpx.get(url).status_code == 405
        status, _ = post(port, "zl-after", "after-1")
        assert status == 200 and answered(zalo, "zl-after", timeout=5)
