"""Jobs derived from settings and the database, on python-telegram-bot's JobQueue."""
