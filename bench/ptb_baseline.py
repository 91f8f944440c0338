"""The plain python-telegram-bot way, for comparison: the ordinary Application with its own
polling and its rate limiter (AIORateLimiter), a broadcast loop that sends every prompt, and a
button handler that answers the press, stores the answer with a commit of its own (SQLite,
synchronous=FULL like Sổ Khỏe) and edits the prompt into a confirmation.

    python bench/ptb_baseline.py BASE_URL TOKEN DB PEOPLE
"""

from __future__ import annotations

import asyncio
import sqlite3
import sys
import time

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import AIORateLimiter, ApplicationBuilder, CallbackQueryHandler, ContextTypes


def main() -> None:
    base_url, token, db, people = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE IF NOT EXISTS answers (chat INTEGER, data TEXT, at REAL)")
    conn.commit()

    async def tapped(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None or query.message is None:
            return
        await query.answer()
        conn.execute(
            "INSERT INTO answers VALUES (?, ?, ?)",
            (query.message.chat.id, query.data, time.time()),
        )
        conn.commit()  # one commit per answer, as a handler does
        await query.edit_message_text("✅ Đã ghi nhận khai báo.")

    async def broadcast(app: object) -> None:
        bot = app.bot  # type: ignore[attr-defined]
        keyboard = InlineKeyboardMarkup(
            [[InlineKeyboardButton("✅ Khỏe", callback_data="ck:bench:ok")]]
        )
        for person in range(1, people + 1):
            await bot.send_message(10_000 + person, "☀️ Khai báo y tế", reply_markup=keyboard)

    async def started(app: object) -> None:
        asyncio.get_running_loop().create_task(broadcast(app))

    app = (
        ApplicationBuilder()
        .token(token)
        .base_url(f"{base_url}/bot")
        .rate_limiter(AIORateLimiter(overall_max_rate=30, overall_time_period=1, max_retries=5))
        .post_init(started)
        .build()
    )
    app.add_handler(CallbackQueryHandler(tapped))
    app.run_polling(allowed_updates=["callback_query"], poll_interval=0)


if __name__ == "__main__":
    main()
