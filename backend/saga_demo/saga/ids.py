"""Ids for the log's rows: UUIDs whose first bits are the time (version 7, RFC 9562).

The log is indexed by these ids (a saga's steps and events, the order of a saga, the
participants' keys). Random ids (version 4) put every insert on a random page of every such
index, so once the indexes outgrow the page cache each insert reads and rewrites pages all over
the file, and the WAL carries a page per index per insert. Ids that grow with time put the new
rows side by side at the end of each index: a saga costs the same whether the log holds a hundred
orders or a hundred thousand. They stay unguessable enough for what they name (74 random bits);
sessions, whose ids are secrets, keep ids of their own (`secrets`).
"""

import os
import time
import uuid


def time_ordered_id() -> str:
    """A new UUID, version 7: 48 bits of Unix time in milliseconds, then 74 random bits."""
    millis = time.time_ns() // 1_000_000
    random = int.from_bytes(os.urandom(10), "big")
    value = (millis & 0xFFFF_FFFF_FFFF) << 80 | random
    value = (value & ~(0xF << 76)) | (0x7 << 76)  # version 7
    value = (value & ~(0x3 << 62)) | (0x2 << 62)  # the RFC's variant
    return str(uuid.UUID(int=value))
