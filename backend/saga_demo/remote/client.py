"""The orchestrator's client of a remote participant: the `Participant` protocol over the wire of
`wire.py`, one pooled httpx client per participant.

What a call ends in, exactly (the design brief's "Calling a participant"):

- 200: done (applied now, or before with the same key);
- 409 with a reason: refused, the step's business answer (`Refused`), never retried;
- never sent (connection refused, no route, a connect timeout, no connection free in the
  pool): `ParticipantUnreachable`, transient;
- sent and not answered (a read timeout, a connection reset, 408, 429, 5xx):
  `ParticipantUnavailable`, the outcome unknown;
- any other 4xx is our own bug: logged as an error, and unknown all the same.

A circuit breaker (`breaker.py`) sits in front of each: while it is open, calls fail at once as
never sent.
"""

import dataclasses
import logging
from typing import Any

import httpx
from opentelemetry import propagate

from .. import tracing
from ..participants import ParticipantUnavailable, ParticipantUnreachable, Refused
from ..store.records import OperationKey
from .breaker import CircuitBreaker, CircuitOpen
from .wire import Wire

logger = logging.getLogger(__name__)

_NEVER_SENT = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.UnsupportedProtocol,
)
_NO_ANSWER = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)
_UNKNOWN_STATUSES = {408, 429}


class RemoteParticipant:
    """One participant over HTTP, at `url`."""

    def __init__(
        self,
        wire: Wire,
        url: str,
        *,
        timeout: float | None,
        token: str | None = None,
        breaker: CircuitBreaker | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.name = wire.name
        self.url = url
        self.breaker = breaker or CircuitBreaker()
        self._wire = wire
        headers = {} if token is None else {"Authorization": f"Bearer {token}"}
        self._http = httpx.AsyncClient(
            base_url=url, timeout=timeout, headers=headers, trust_env=False, transport=transport
        )

    async def execute(self, key: OperationKey, request: Any) -> None:
        await self._call("PUT", _operation(key), json=dataclasses.asdict(request))

    async def compensate(self, key: OperationKey, request: Any) -> None:
        await self._call("DELETE", _operation(key), json=dataclasses.asdict(request))

    async def forget(self, session_id: str) -> None:
        await self._call("DELETE", f"/sessions/{session_id}")

    async def session_data(self, session_id: str) -> dict[str, int]:
        """The session's data there (its stock, its balances)."""
        answer = await self._call("GET", f"/sessions/{session_id}")
        data: dict[str, int] = answer.get(self._wire.data_key or "", {})
        return data

    async def healthy(self, timeout: float = 1.0) -> bool:
        """Whether its `/health` answers 200 now (asked outside the circuit breaker)."""
        try:
            response = await self._http.get("/health", timeout=timeout)
        except httpx.HTTPError:
            return False
        return response.status_code == 200

    async def close(self) -> None:
        await self._http.aclose()

    async def _call(self, method: str, path: str, json: Any = None) -> dict[str, Any]:
        try:
            self.breaker.before_call()
        except CircuitOpen:
            raise ParticipantUnreachable(f"{self.name} unreachable: its circuit is open") from None
        try:
            answer = await self._answer(method, path, json)
        except Refused:
            self.breaker.succeeded()  # a refusal is an answer
            raise
        except (ParticipantUnreachable, ParticipantUnavailable):
            self.breaker.failed()
            raise
        except BaseException:
            self.breaker.abandoned()  # cancelled: it says nothing of the participant
            raise
        self.breaker.succeeded()
        return answer

    async def _answer(self, method: str, path: str, json: Any) -> dict[str, Any]:
        headers: dict[str, str] = {}
        if tracing.enabled():
            propagate.inject(headers)  # the participant continues the attempt's span
        try:
            response = await self._http.request(method, path, json=json, headers=headers)
        except _NEVER_SENT as error:
            raise ParticipantUnreachable(f"{self.name} unreachable: {error!r}") from error
        except _NO_ANSWER as error:
            raise ParticipantUnavailable(f"{self.name} did not answer: {error!r}") from error
        if response.status_code == 200:
            answer: dict[str, Any] = response.json()
            return answer
        if response.status_code == 409:
            raise Refused(response.json().get("reason") or "Refused")
        if response.status_code >= 500 or response.status_code in _UNKNOWN_STATUSES:
            raise ParticipantUnavailable(f"{self.name} answered {response.status_code}")
        logger.error(
            "💥 %s answered %s %s with %d: %s",
            self.name,
            method,
            path,
            response.status_code,
            response.text[:200],
        )
        raise ParticipantUnavailable(f"{self.name} answered {response.status_code}")


def _operation(key: OperationKey) -> str:
    return f"/operations/{key.saga_id}/{key.step}"


class RemoteInventory(RemoteParticipant):
    async def stock(self, session_id: str) -> dict[str, int]:
        return await self.session_data(session_id)


class RemotePayment(RemoteParticipant):
    async def balances(self, session_id: str) -> dict[str, int]:
        return await self.session_data(session_id)
