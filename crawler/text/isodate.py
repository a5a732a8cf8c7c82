"""ISO 8601 dates as pages and APIs write them (``2024-09-14T18:48:49+0800``, ``...Z``, a date
alone): read by extraction's metadata pass and by site spiders whose listings carry dates."""

from __future__ import annotations

import re
from datetime import datetime


def parse_datetime(value: str) -> datetime | None:
    """ISO 8601 with or without offset (``+08:00``, ``+0800``, ``Z``); None if unparsable."""
    value = value.strip()
    if not re.match(r"\d{4}-\d{2}-\d{2}", value):
        return None
    value = re.sub(r"Z$", "+00:00", value)
    value = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", value)
    try:
        return datetime.fromisoformat(value.replace(" ", "T", 1))
    except ValueError:
        try:
            return datetime.fromisoformat(value[:10])
        except ValueError:
            return None
