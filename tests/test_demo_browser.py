"""The demo, driven in a real browser (headless Chromium through Playwright): the README's first
command as a newcomer runs it, then a staff member's one-tap answer at 07:30, the head's summary
at 09:00 with the right count and the missing names, and the office's export downloaded and
opened as a workbook. The screenshot it takes is the one in the README."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Browser, Page, expect, sync_playwright

from core import texts
from tests.harness import free_port

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOT = ROOT / "docs" / "demo.png"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
STAFF, HEAD, CLERK = "KHTC03", "KHTC01", "VP03"
KHTC_OTHERS = ["Đặng Quốc Bảo", "Vũ Thị Thu Hà", "Đỗ Thị Ngọc Anh", "Ngô Thanh Sơn"]


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[str]:
    """`python -m bot demo` as a process of its own, from an empty folder."""
    port = free_port()
    # its own temporary folder: another test's demo may run meanwhile (pytest -n 2)
    temp = Path(tempfile.mkdtemp(prefix="sokhoe-demo-test-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "ZALO_", "DATABASE"))}
    env["PYTHONPATH"] = str(ROOT)
    env["TMPDIR"] = str(temp)
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "demo", "--port", str(port)],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    assert process.stdout is not None
    line = process.stdout.readline()
    assert line.startswith(texts.DEMO_READY.split("{")[0]), line
    assert time.monotonic() - started < 20
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        process.terminate()
        assert process.wait(timeout=30) == 0
        assert list(tmp_path.iterdir()) == []  # it wrote nothing where it was started
        assert list(temp.glob("sokhoe-demo-*")) == []  # and left none
        temp.rmdir()


@pytest.fixture
def browser() -> Iterator[Browser]:
    assert CHROMIUM, "Debian's chromium is needed (tests/system-deps.sh installs it)"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


def phone(page: Page, key: str) -> object:
    return page.locator(f'section.phone[data-person="{key}"]')


def jump_to(page: Page, hhmm: str) -> None:
    page.locator("#upcoming li", has_text=hhmm).first.click()


def test_a_morning_in_the_demo(demo: str, browser: Browser) -> None:
    page = browser.new_page(viewport={"width": 1720, "height": 900}, accept_downloads=True)
    page.goto(demo)
    page.locator(f'input[data-pick="{STAFF}"]').check()
    staff = page.locator(f'section.phone[data-person="{STAFF}"]')
    expect(staff).to_be_visible()
    page.locator("#pause").click()  # the clock stands still between the test's steps
    expect(page.locator("#pause")).to_have_class("on")

    jump_to(page, "07:30")
    healthy = staff.locator("button.inline", has_text="✅ Khỏe — tại cơ quan")
    expect(healthy).to_be_visible(timeout=15_000)
    healthy.click()
    expect(staff.locator(".bubble").last).to_contain_text(
        "Đã ghi nhận khai báo buổi sáng", timeout=15_000
    )

    jump_to(page, "08:15")
    expect(page.locator("#upcoming li").first).to_contain_text("09:00")
    jump_to(page, "09:00")
    head = page.locator(f'section.phone[data-person="{HEAD}"]')
    summary = head.locator(".bubble", has_text="Phòng Kế hoạch - Tài chính — khai báo buổi sáng")
    expect(summary).to_be_visible(timeout=15_000)
    expect(summary).to_contain_text("Đã khai báo: 1/5")
    expect(summary).to_contain_text("Chưa khai báo (4)")
    for name in KHTC_OTHERS:
        expect(summary).to_contain_text(name)
    expect(summary).not_to_contain_text("Bùi Văn Nam")  # the one who answered

    clerk = page.locator(f'section.phone[data-person="{CLERK}"]')
    clerk.locator("input[type=text]").fill("/xuat")
    clerk.locator("input[type=text]").press("Enter")
    for label in ("Nhật ký khai báo", "Hôm nay", "Tất cả đơn vị", "Excel (XLSX)"):
        button = clerk.locator("button.inline", has_text=label).last
        expect(button).to_be_visible(timeout=15_000)
        button.click()
    link = clerk.locator("a.doc").last
    expect(link).to_be_visible(timeout=20_000)
    with page.expect_download() as waiting:
        link.click()
    download = waiting.value
    assert download.suggested_filename.endswith(".xlsx")
    workbook = load_workbook(io.BytesIO(Path(download.path()).read_bytes()), read_only=True)
    cells = [str(c) for row in workbook.active.iter_rows(values_only=True) for c in row if c]
    assert "Bùi Văn Nam" in cells

    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT))
    assert SCREENSHOT.stat().st_size > 10_000
