"""The one logging setup: the original demo's readable lines, or one JSON object a line.

Log calls pass ids as `extra` (`saga_id`, `order_id`, `step`, `session_id`); the text format
shows them in the message itself, the JSON format also as fields of their own.
"""

import json
import logging
from datetime import UTC, datetime
from typing import Literal

CONTEXT_FIELDS = ("saga_id", "order_id", "step", "session_id")
TEXT_FORMAT = "%(levelname)s:%(name)s:%(message)s"


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message and the ids the record carries."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for field in CONTEXT_FIELDS:
            value = getattr(record, field, None)
            if value is not None:
                entry[field] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(log_format: Literal["text", "json"], level: int = logging.INFO) -> None:
    """Route every logger (uvicorn's included) to one handler on standard error."""
    handler = logging.StreamHandler()
    handler.setFormatter(
        JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT)
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers.clear()
        logging.getLogger(name).propagate = True
