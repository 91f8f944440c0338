"""Vietnamese phone numbers: `0912345678`, `+84 912 345 678` and `84912345678` are one number."""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[\s.\-()]")
_MOBILE = re.compile(r"^0[35789]\d{8}$")
_LANDLINE = re.compile(r"^02\d{9}$")


def normalize_phone(raw: str) -> str | None:
    """The national form (`0xxxxxxxxx`), or None when this is not a Vietnamese number."""
    digits = _SEPARATORS.sub("", raw.strip())
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("0084"):
        digits = "0" + digits[4:]
    elif digits.startswith("84") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    elif len(digits) in (9, 10) and not digits.startswith("0"):
        digits = "0" + digits  # Excel drops the leading zero of a number typed as a number
    if _MOBILE.match(digits) or _LANDLINE.match(digits):
        return digits
    return None
