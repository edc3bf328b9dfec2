"""Log lines: a `LineLogger` writes exactly what `logging` would, in either format, and goes
through `logging` itself whenever logging is set up some other way."""

import io
import json
import logging

import pytest

from saga_demo.logs import BatchingHandler, JsonFormatter, LineLogger, TextFormatter

IDS = {"saga_id": "saga-1", "order_id": None, "step": "ship_order", "session_id": None}


class Routed:
    """The root logger writing to a StringIO through our handler alone, as in the server."""

    def __init__(self) -> None:
        self.stream = io.StringIO()
        self.handler = BatchingHandler(self.stream)
        self.handler.setFormatter(TextFormatter())
        self.records = 0

    def __enter__(self) -> "Routed":
        # Inside the test itself: pytest adds its own capturing handler for the test's call.
        root = logging.getLogger()
        self._saved = root.handlers[:], root.level
        root.handlers[:] = [self.handler]
        root.setLevel(logging.INFO)
        return self

    def __exit__(self, *exc: object) -> None:
        root = logging.getLogger()
        root.handlers[:], level = self._saved
        root.setLevel(level)


@pytest.fixture
def routed(monkeypatch: pytest.MonkeyPatch) -> Routed:
    """Counts the `LogRecord`s made, too: a LineLogger on its own makes none."""
    routing = Routed()
    make_record = logging.Logger.makeRecord

    def counted(self: logging.Logger, *args: object, **kwargs: object) -> logging.LogRecord:
        routing.records += 1
        return make_record(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(logging.Logger, "makeRecord", counted)
    return routing


def _both_ways(routed: Routed, level: int) -> list[str]:
    """The same line, once through logging and once through a LineLogger."""
    message, args = "📦 Order %s shipped after %d tries", ("order-1", 2)
    with routed:
        logging.getLogger("saga_demo.test").log(level, message, *args, extra=IDS)
        assert routed.records == 1
        LineLogger("saga_demo.test").log(level, message, *args, **IDS)
        assert routed.records == 1
    return routed.stream.getvalue().splitlines()


@pytest.mark.parametrize("level", [logging.INFO, logging.ERROR])
def test_a_text_line_is_the_same_either_way(routed: Routed, level: int) -> None:
    by_logging, by_line_logger = _both_ways(routed, level)
    name = logging.getLevelName(level)
    assert (
        by_logging
        == by_line_logger
        == f"{name}:saga_demo.test:📦 Order order-1 shipped after 2 tries"
    )


def test_a_json_line_is_the_same_either_way_but_for_its_time(routed: Routed) -> None:
    routed.handler.setFormatter(JsonFormatter())
    by_logging, by_line_logger = (json.loads(line) for line in _both_ways(routed, logging.INFO))
    assert by_logging.pop("time") <= by_line_logger.pop("time")
    assert (
        by_logging
        == by_line_logger
        == {
            "level": "INFO",
            "logger": "saga_demo.test",
            "message": "📦 Order order-1 shipped after 2 tries",
            "saga_id": "saga-1",
            "step": "ship_order",
        }
    )


def test_below_the_level_nothing_is_written(routed: Routed) -> None:
    with routed:
        LineLogger("saga_demo.test").log(logging.DEBUG, "never %s", "shown")
    assert routed.stream.getvalue() == ""


def test_with_another_handler_the_line_goes_through_logging_with_its_ids(
    routed: Routed,
) -> None:
    seen: list[logging.LogRecord] = []

    class Capture(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(record)

    with routed:
        logging.getLogger().addHandler(Capture())
        LineLogger("saga_demo.test").info("Order %s validated", "order-1", saga_id="saga-1")
    assert [(r.getMessage(), getattr(r, "saga_id", None)) for r in seen] == [
        ("Order order-1 validated", "saga-1")
    ]
    assert routed.stream.getvalue() == "INFO:saga_demo.test:Order order-1 validated\n"


def test_a_traceback_follows_its_text_line(routed: Routed) -> None:
    with routed:
        try:
            raise ValueError("broken")
        except ValueError:
            logging.getLogger("saga_demo.test").exception("💥 It broke")
    lines = routed.stream.getvalue().splitlines()
    assert lines[0] == "ERROR:saga_demo.test:💥 It broke"
    assert lines[1] == "Traceback (most recent call last):"
    assert lines[-1] == "ValueError: broken"
