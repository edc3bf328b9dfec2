"""The probe behind REQUIRE_POSTGRES (tests/support/postgres.py) tells PostgreSQL from anything
else that listens, and from nothing."""

import socket
import threading

import pytest

from tests.support.postgres import ADDRESS, postgres_answers, required


def test_it_finds_the_postgresql_this_machine_runs() -> None:
    if not postgres_answers(ADDRESS):
        if required():
            pytest.fail(f"REQUIRE_POSTGRES=1 but no PostgreSQL answers at {ADDRESS}")
        pytest.skip(f"no PostgreSQL at {ADDRESS}")


def test_a_server_that_is_not_postgresql_is_not_taken_for_it() -> None:
    with socket.create_server(("127.0.0.1", 0)) as listener:

        def answer_like_redis() -> None:
            conn, _ = listener.accept()
            with conn:
                conn.recv(8)
                conn.sendall(b"-ERR unknown command\r\n")

        server = threading.Thread(target=answer_like_redis)
        server.start()
        assert not postgres_answers(listener.getsockname())
        server.join(timeout=5)


def test_nothing_listening_is_no_postgresql() -> None:
    with socket.create_server(("127.0.0.1", 0)) as listener:
        address = listener.getsockname()
    assert not postgres_answers(address, timeout=1)
