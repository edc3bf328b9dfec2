"""Whether a PostgreSQL server answers, for the tests that need one (issue 13 brings them).

Without one they skip, unless REQUIRE_POSTGRES=1 (as in CI): then the whole run fails at
start, so a CI machine without PostgreSQL never passes by skipping them silently."""

import os
import socket
import struct

ADDRESS = (os.environ.get("SAGA_TEST_POSTGRES_HOST", "127.0.0.1"), 5432)
_SSL_REQUEST = struct.pack("!ii", 8, 80877103)


def postgres_answers(address: tuple[str, int] = ADDRESS, timeout: float = 3.0) -> bool:
    """True if a PostgreSQL server speaks at the address: to an SSLRequest, a server answers
    with one byte, `S` or `N` (the protocol's start-up, without logging in)."""
    try:
        with socket.create_connection(address, timeout=timeout) as sock:
            sock.sendall(_SSL_REQUEST)
            return sock.recv(1) in (b"S", b"N")
    except OSError:
        return False


def required() -> bool:
    return os.environ.get("REQUIRE_POSTGRES") == "1"
