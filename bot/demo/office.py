"""The demo's organization and its day: a sample roster of 15 people in 3 units, enrolled and
consented; the timetable that fires the product's daily jobs as the demo clock passes them (the
same job specs and the same `JobSpec.run` as the JobQueue calls); and "the rest of the office",
who answer on their own at realistic times while the person at the page plays the others."""

from __future__ import annotations

import heapq
import itertools
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from bot.demo.messenger import Bubble, Messenger, Phone
from core import texts
from core.domain import Channel
from core.roster import parse_roster, plan_import
from scheduler import JobSpec, due_between, job_specs
from services import Services
from storage import open_store

log = logging.getLogger(__name__)

UNITS = {
    "VP": "Văn phòng Sở",
    "KHTC": "Phòng Kế hoạch - Tài chính",
    "QLCN": "Phòng Quản lý Công nghệ",
}
# staff code, full name, unit, roster roles, what the page calls them, messenger
PEOPLE = [
    ("VP01", "Nguyễn Văn Hùng", "VP", "office", "Giám đốc Sở", "telegram"),
    ("VP02", "Trần Thị Mai", "VP", "head", "Chánh Văn phòng", "telegram"),
    ("VP03", "Lê Thị Hồng", "VP", "office", "Văn thư (văn phòng)", "telegram"),
    ("VP04", "Phạm Minh Tuấn", "VP", "", "Chuyên viên", "telegram"),
    ("VP05", "Hoàng Thị Lan", "VP", "", "Chuyên viên", "telegram"),
    ("KHTC01", "Đặng Quốc Bảo", "KHTC", "head", "Trưởng phòng", "telegram"),
    ("KHTC02", "Vũ Thị Thu Hà", "KHTC", "", "Chuyên viên", "telegram"),
    ("KHTC03", "Bùi Văn Nam", "KHTC", "", "Chuyên viên", "telegram"),
    ("KHTC04", "Đỗ Thị Ngọc Anh", "KHTC", "", "Kế toán", "telegram"),
    ("KHTC05", "Ngô Thanh Sơn", "KHTC", "", "Chuyên viên", "telegram"),
    ("QLCN01", "Phan Thị Thanh Hương", "QLCN", "head", "Trưởng phòng", "telegram"),
    ("QLCN02", "Lò Văn Páo", "QLCN", "", "Chuyên viên (Zalo)", "zalo"),
    ("QLCN03", "Trịnh Đức Thắng", "QLCN", "", "Chuyên viên", "telegram"),
    ("QLCN04", "Mai Thị Phương", "QLCN", "", "Chuyên viên", "telegram"),
    ("QLCN05", "Cao Văn Long", "QLCN", "", "Chuyên viên", "telegram"),
]
CLERK = "VP03"
DECLARED = texts.DECLARED.split("{", 1)[0]  # how a confirmation begins
FIRST_USER_ID = 5_000_001


def phones() -> list[Phone]:
    return [
        Phone(
            code,
            name,
            UNITS[unit],
            title,
            "zalo" if on == "zalo" else "telegram",
            FIRST_USER_ID + n,
        )
        for n, (code, name, unit, _, title, on) in enumerate(PEOPLE)
    ]


async def seed(database: Path, people: list[Phone], now: datetime) -> None:
    """The roster imported as the office would, and everyone linked and consented as if each
    had opened their invite (enrolment itself is in the demo too: /start shows it)."""
    rows = [
        {"staff_code": code, "full_name": name, "unit_code": unit, "unit_name": UNITS[unit],
         "roles": roles, "phone": ""}
        for code, name, unit, roles, _, _ in PEOPLE
    ]  # fmt: skip
    entries, errors = parse_roster(enumerate(rows, start=2))
    if errors:
        raise ValueError(f"demo roster: {errors}")
    by_code = {phone.key: phone for phone in people}
    async with await open_store(database) as store:
        await store.people.apply_import(plan_import([], entries), now)
        async with store.transaction():
            for person in await store.people.all_people():
                phone = by_code[person.staff_code]
                channel = Channel.ZALO if phone.channel == "zalo" else Channel.TELEGRAM
                chat = phone.zalo_id if phone.channel == "zalo" else str(phone.user_id)
                await store.people.link_account(channel, chat, chat, person.id, now)
                await store.people.record_consent(person.id, texts.CONSENT_VERSION, channel, now)


@dataclass(order=True)
class _Action:
    at: datetime
    seq: int
    run: Callable[[], None] = field(compare=False)


class RestOfOffice:
    """The people not shown on the page answer on their own, when it is switched on: most
    healthy within 40 minutes of the prompt, some late (after the reminder, a few after the
    close), a symptom now and then; heads confirm the risk update, one of them now and then
    after 15:00."""

    def __init__(self, messenger: Messenger, clock: Callable[[], datetime], seed: int = 2026):
        self.messenger = messenger
        self.clock = clock
        self.on = False
        self.played: set[str] = set()  # the people at the page: never answered for
        self._random = random.Random(seed)
        self._queue: list[_Action] = []
        self._seq = itertools.count()
        self._walking: set[str] = set()  # answering with a symptom: tapping through the walk
        messenger.on_bot_message = self.heard

    def _later(self, minutes: float, run: Callable[[], None]) -> None:
        at = self.clock() + timedelta(minutes=minutes)
        heapq.heappush(self._queue, _Action(at, next(self._seq), run))

    def due(self, now: datetime) -> list[Callable[[], None]]:
        runs = []
        while self._queue and self._queue[0].at <= now:
            runs.append(heapq.heappop(self._queue).run)
        return runs

    def heard(self, phone: Phone, bubble: Bubble) -> None:
        """The bot said something to someone: do they act on it?"""
        if not self.on or phone.key in self.played:
            return
        if phone.channel == "zalo":
            self._zalo(phone, bubble)
            return
        labels = {b.label: b.data for row in bubble.buttons for b in row}
        if phone.key in self._walking:
            self._walk_on(phone, bubble, labels)
            return
        if bubble.edited:
            return
        healthy = next((d for d in labels.values() if d.endswith(":ok")), None)
        if healthy is not None and "Nhắc" not in bubble.text[:40]:
            self._answer(phone, bubble, healthy, labels)
        confirm = labels.get(texts.RISK_CONFIRM_BUTTON)
        if confirm is not None:
            late = self._random.random() < 0.2
            minutes = self._random.uniform(62, 75) if late else self._random.uniform(5, 55)
            self._later(minutes, lambda: self._press(phone, bubble.id, confirm))

    def _answer(self, phone: Phone, bubble: Bubble, healthy: str, labels: dict[str, str]) -> None:
        roll = self._random.random()
        if roll < 0.04:
            return  # forgets today
        if roll < 0.10:  # a symptom: taps through the questionnaire
            symptom = next(
                (d for label, d in labels.items() if "Sốt" in label or "Ho" in label), None
            )
            if symptom is not None:

                def start() -> None:
                    self._walking.add(phone.key)
                    self._press(phone, bubble.id, symptom)

                self._later(self._random.uniform(3, 30), start)
                return
        late = roll > 0.85
        minutes = self._random.uniform(50, 100) if late else self._random.uniform(2, 40)
        self._later(minutes, lambda: self._press(phone, bubble.id, healthy))

    def _walk_on(self, phone: Phone, bubble: Bubble, labels: dict[str, str]) -> None:
        if not labels or DECLARED in bubble.text:
            self._walking.discard(phone.key)
            return
        done = labels.get(texts.MULTI_DONE)
        choice = done if done is not None else next(iter(labels.values()))
        self._later(self._random.uniform(0.3, 1.5), lambda: self._press(phone, bubble.id, choice))

    def _zalo(self, phone: Phone, bubble: Bubble) -> None:
        """On Zalo the prompt is a numbered menu: "1" is the one-tap healthy answer."""
        if bubble.text.startswith(tuple(h.split()[0] for h in texts.PROMPT_HEADER.values())):
            minutes = self._random.uniform(2, 40)
            self._later(minutes, lambda: self.messenger.type(phone.key, "1"))

    def _press(self, phone: Phone, bubble_id: int, data: str) -> None:
        if phone.key not in self.played:
            self.messenger.press(phone.key, bubble_id, data)


class Timetable:
    """Fires the product's daily jobs as the demo clock passes their moments: the one timing
    table (`scheduler.job_specs`), run through `JobSpec.run`, exactly what the JobQueue runs in
    production, so each job runs once a day whatever the clock does."""

    def __init__(
        self, services: Services, wake: Callable[[], None], touch: Callable[[], None]
    ) -> None:
        self.services = services
        self.wake = wake
        self.messenger_touch = touch  # the page hears of it
        self.specs: list[JobSpec] = job_specs(services)
        self.last = services.now()
        self.fired: list[tuple[datetime, str]] = []

    async def tick(self) -> None:
        now = self.services.now()
        due = due_between(self.specs, self.last, now, self.services.settings.tz)
        self.last = now
        for at, spec in due:
            try:
                queued = await spec.run(self.services, at)
            except Exception:  # one job's failure never stops the demo's day
                log.exception("demo: %s failed", spec.name)
                continue
            self.fired.append((at, spec.name))
            log.info("demo: %s at %s queued %d", spec.name, f"{at:%H:%M}", queued)
            self.wake()
            self.messenger_touch()

    def upcoming(self, count: int = 12) -> list[tuple[datetime, str]]:
        """The next moments something happens (working days; the weekly summary named)."""
        tz, calendar = self.services.settings.tz, self.services.calendar
        now = self.services.now().astimezone(tz)
        events: list[tuple[datetime, str]] = []
        day = now.date()
        while len(events) < count and day <= now.date() + timedelta(days=14):
            if calendar.is_working_day(day):
                for spec in self.specs:
                    at = datetime.combine(day, spec.timing.at, tz)
                    if at > now:
                        events.append((at, self.label(spec.name, at)))
            day += timedelta(days=1)
        return events[:count]

    def label(self, name: str, at: datetime) -> str:
        label = texts.DEMO_EVENTS.get(name, name)
        weekly = self.services.settings.weekly_day
        if name == "afternoon:close" and at.isoweekday() == weekly:
            label += texts.DEMO_WEEKLY
        return label
