"""The log's ids: version-7 UUIDs, ordered by the time they were made, never repeated."""

import time
import uuid

from saga_demo.saga.ids import time_ordered_id


def test_an_id_is_a_version_7_uuid_of_the_rfc_variant_carrying_the_time_in_milliseconds() -> None:
    before = time.time_ns() // 1_000_000
    made = uuid.UUID(time_ordered_id())
    after = time.time_ns() // 1_000_000
    assert made.version == 7
    assert made.variant == uuid.RFC_4122
    assert before <= made.int >> 80 <= after


def test_ids_made_in_later_milliseconds_sort_after_earlier_ones_as_text() -> None:
    earlier = time_ordered_id()
    start = time.monotonic()
    while time.time_ns() // 1_000_000 <= uuid.UUID(earlier).int >> 80:
        assert time.monotonic() - start < 1.0, "the clock did not move on"
    later = time_ordered_id()
    assert earlier < later


def test_ids_made_in_the_same_millisecond_differ() -> None:
    ids = [time_ordered_id() for _ in range(10_000)]
    assert len(set(ids)) == len(ids)
