"""The one logging setup: the original demo's readable lines, or one JSON object a line.

Log calls pass ids as `extra` (`saga_id`, `order_id`, `step`, `session_id`); the text format
shows them in the message itself, the JSON format also as fields of their own.

A saga logs about fifteen lines: written one `write` each, they cost more than the saga's
database work. So lines are written in batches: informational ones at most `FLUSH_SECONDS`
late, a warning or an error at once (with everything before it, in order).

Even batched, a line through `logging` costs about 40 µs in the running server (a `LogRecord`
of some thirty attributes, filters, handler locks, the formatter's generic path): a fifth of a
saga's work. The lines a saga writes by the dozen go through a `LineLogger` instead: the same
levels, the same line in either format, written by the same handler, skipping the record; when
logging is set up any other way (a test capturing records, another handler), it hands the line
to `logging` as usual.
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


Ids = dict[str, str | None]


class LineFormatter(logging.Formatter):
    """A formatter that writes a line from its parts, with or without a `LogRecord`."""

    def line(self, levelno: int, name: str, message: str, created: float, ids: Ids) -> str:
        raise NotImplementedError

    def format(self, record: logging.LogRecord) -> str:
        ids = {field: getattr(record, field, None) for field in CONTEXT_FIELDS}
        return self.line(record.levelno, record.name, record.getMessage(), record.created, ids)


class TextFormatter(LineFormatter):
    """The original demo's lines: `LEVEL:logger:message`, then any traceback."""

    def line(self, levelno: int, name: str, message: str, created: float, ids: Ids) -> str:
        return f"{logging.getLevelName(levelno)}:{name}:{message}"

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        if record.exc_info:
            record.exc_text = record.exc_text or self.formatException(record.exc_info)
        if record.exc_text:
            text = f"{text}\n{record.exc_text}"
        if record.stack_info:
            text = f"{text}\n{self.formatStack(record.stack_info)}"
        return text


class JsonFormatter(LineFormatter):
    """One JSON object a line: time, level, logger, message and the ids the record carries."""

    def line(self, levelno: int, name: str, message: str, created: float, ids: Ids) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(created, UTC).isoformat(timespec="milliseconds"),
            "level": logging.getLevelName(levelno),
            "logger": name,
            "message": message,
        }
        for field in CONTEXT_FIELDS:
            value = ids.get(field)
            if value is not None:
                entry[field] = value
        return json.dumps(entry, ensure_ascii=False)

    def format(self, record: logging.LogRecord) -> str:
        if not record.exc_info:
            return super().format(record)
        entry = json.loads(super().format(record))
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

    def write_line(self, levelno: int, name: str, message: str, ids: Ids) -> None:
        """What `emit` writes for such a record, without the record."""
        formatter = self.formatter
        assert isinstance(formatter, LineFormatter)
        text = formatter.line(levelno, name, message, time.time(), ids)
        with self.lock:  # type: ignore[union-attr]  # set by Handler.__init__
            self.stream.write(text + self.terminator)
        if levelno >= logging.WARNING:
            self.flush()

    def _flush_now_and_then(self) -> None:
        while True:
            time.sleep(FLUSH_SECONDS)
            self.flush()


class LineLogger:
    """`logging.getLogger(name)` for the lines written by the dozen, without a `LogRecord` each
    while logging is set up as `configure_logging` leaves it."""

    __slots__ = ("_logger",)

    def __init__(self, name: str) -> None:
        self._logger = logging.getLogger(name)

    def log(self, level: int, message: str, *args: object, **ids: str | None) -> None:
        logger = self._logger
        if not logger.isEnabledFor(level):
            return
        handler = _sole_handler(logger)
        if handler is None:
            logger.log(level, message, *args, extra=ids)
        else:
            handler.write_line(level, logger.name, message % args if args else message, ids)

    def info(self, message: str, *args: object, **ids: str | None) -> None:
        self.log(logging.INFO, message, *args, **ids)


def _sole_handler(logger: logging.Logger) -> BatchingHandler | None:
    """The handler that would write this logger's records, if it is ours, alone and unfiltered
    (as `configure_logging` leaves it); else None."""
    current: logging.Logger | None = logger
    while current is not None:
        if current.filters:
            return None
        if current.handlers:
            handlers = current.handlers
            if current is not logging.root or len(handlers) != 1:
                return None
            handler = handlers[0]
            if type(handler) is not BatchingHandler or handler.filters:
                return None
            return handler if isinstance(handler.formatter, LineFormatter) else None
        if not current.propagate:
            return None
        current = current.parent
    return None


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
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers.clear()
        logging.getLogger(name).propagate = True
    # One line per call to a remote participant would drown the saga's own lines.
    logging.getLogger("httpx").setLevel(max(level, logging.WARNING))
