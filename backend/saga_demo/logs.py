"""The one logging setup: the original demo's readable lines, or one JSON object a line.

Log calls pass ids as `extra` (`saga_id`, `order_id`, `step`, `session_id`); the text format
shows them in the message itself, the JSON format also as fields of their own.

A saga logs about fifteen lines: written one `write` each, they cost more than the saga's
database work. So lines are written in batches: informational ones at most `FLUSH_SECONDS`
late, a warning or an error at once (with everything before it, in order).
"""

import atexit
import json
import logging
import sys
import threading
import time
from datetime import UTC, datetime
from typing import Literal, TextIO

FLUSH_SECONDS = 0.1

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


class BatchingHandler(logging.StreamHandler[TextIO]):
    """A stream handler on a block-buffered stream, flushed every `FLUSH_SECONDS` and at once
    for warnings and errors."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__(stream)
        flusher = threading.Thread(target=self._flush_now_and_then, name="log-flusher", daemon=True)
        flusher.start()
        atexit.register(self.flush)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.stream.write(self.format(record) + self.terminator)
            if record.levelno >= logging.WARNING:
                self.flush()
        except Exception:  # noqa: BLE001 - logging's own way: report, never raise
            self.handleError(record)

    def _flush_now_and_then(self) -> None:
        while True:
            time.sleep(FLUSH_SECONDS)
            self.flush()


def flush_logs() -> None:
    """Write out every line still buffered (before the process ends by a signal, say)."""
    for handler in logging.getLogger().handlers:
        handler.flush()


def _buffered_stderr() -> TextIO:
    return open(
        sys.stderr.fileno(),
        "w",
        buffering=1 << 16,
        encoding="utf-8",
        errors="backslashreplace",
        closefd=False,
    )


def configure_logging(log_format: Literal["text", "json"], level: int = logging.INFO) -> None:
    """Route every logger (uvicorn's included) to one handler on standard error."""
    # Neither format shows the caller's file and line, the thread or the process: spare every
    # record the work of finding them (the logging HOWTO's "Optimization").
    logging._srcfile = None
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
    handler = BatchingHandler(_buffered_stderr())
    handler.setFormatter(
        JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT)
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers.clear()
        logging.getLogger(name).propagate = True
