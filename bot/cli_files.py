"""What the command line checks about the files it is given, before any work is done: one
clear line (a `CliError`) for a missing folder, a directory, an unwritable target, a suffix
that does not match the format, a date it cannot read."""

from __future__ import annotations

import argparse
import os
import re
from datetime import date
from pathlib import Path

from core import texts

FORMATS = (".xlsx", ".csv")


class CliError(Exception):
    """One line for the person at the terminal, and the exit code."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


def cli_date(text: str) -> date:
    """`2026-11-01` or `01/11/2026`."""
    iso = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text.strip())
    local = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text.strip())
    try:
        if iso:
            return date(int(iso[1]), int(iso[2]), int(iso[3]))
        if local:
            return date(int(local[3]), int(local[2]), int(local[1]))
    except ValueError:
        pass
    raise argparse.ArgumentTypeError(texts.CLI_BAD_DATE.format(text=text[:40]))


def days_valid(text: str) -> int:
    """How long invite codes last: 1 to 365 days."""
    if not re.fullmatch(r"\d{1,3}", text.strip()) or not 1 <= int(text) <= 365:
        raise argparse.ArgumentTypeError(texts.CLI_BAD_DAYS.format(text=text[:40]))
    return int(text)


def output(path: Path, fmt: str | None = None) -> Path:
    """A file the command may write: its suffix says XLSX or CSV (and agrees with `fmt`), its
    folder exists and is writable, it is not a folder itself."""
    suffix = path.suffix.lower()
    if fmt is not None and suffix and suffix != f".{fmt}":
        raise CliError(texts.CLI_FORMAT_MISMATCH.format(path=path, format=fmt))
    if fmt is not None and not suffix:
        path, suffix = path.with_suffix(f".{fmt}"), f".{fmt}"
    if suffix not in FORMATS:
        raise CliError(texts.CLI_OUT_SUFFIX.format(path=path))
    writable_target(path)
    return path


def writable_target(path: Path) -> None:
    if path.is_dir():
        raise CliError(texts.CLI_OUT_IS_FOLDER.format(path=path))
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise CliError(texts.CLI_NO_FOLDER.format(folder=folder))
    if not os.access(folder, os.W_OK | os.X_OK):
        raise CliError(texts.CLI_FOLDER_READ_ONLY.format(folder=folder))
    if path.exists() and not os.access(path, os.W_OK):
        raise CliError(texts.CLI_FILE_READ_ONLY.format(path=path))
