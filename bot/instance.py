"""One running bot per database: an OS lock on a file beside it, held while the bot runs and
released by the system when the process ends, however it ends (a kill -9 included)."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class AlreadyRunningError(Exception):
    def __init__(self, pid: int | None) -> None:
        super().__init__(f"held by {pid}")
        self.pid = pid


def lock_path(database: Path) -> Path:
    return database.with_name(database.name + ".lock")


@contextmanager
def single_instance(database: Path) -> Iterator[None]:
    """Hold the database's lock for the block; AlreadyRunningError (with the holder's process
    id) when another process holds it."""
    path = lock_path(database)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(descriptor, 32).decode(errors="ignore").strip()
            raise AlreadyRunningError(int(holder) if holder.isdigit() else None) from None
        os.ftruncate(descriptor, 0)
        os.write(descriptor, str(os.getpid()).encode())
        yield
    finally:
        os.close(descriptor)  # closing releases the lock
