"""Subscriptions with a real client: gql over WebSocket, in either protocol the server speaks."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import cast

from gql import Client, GraphQLRequest
from gql.client import AsyncClientSession
from gql.transport.exceptions import TransportQueryError
from gql.transport.websockets import WebsocketsTransport

from tests.graphql import documents
from tests.graphql.http_api import TERMINAL_KINDS, Json

GRAPHQL_TRANSPORT_WS = WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL
GRAPHQL_WS = WebsocketsTransport.APOLLO_SUBPROTOCOL  # the legacy protocol
PROTOCOLS = {"graphql-transport-ws": GRAPHQL_TRANSPORT_WS, "graphql-ws": GRAPHQL_WS}

STREAM_TIMEOUT = 20.0  # seconds for a whole subscription to deliver what is expected


def websocket_url(http_url: str) -> str:
    return http_url.replace("http://", "ws://", 1) + "/graphql"


@dataclass
class Connection:
    """One WebSocket to /graphql, over which any number of subscriptions run."""

    session: AsyncClientSession
    transport: WebsocketsTransport

    async def execute(self, document: str, variables: Json | None = None) -> Json:
        """A query or mutation over this WebSocket: its `data`."""
        request = GraphQLRequest(document, variable_values=variables)
        async with asyncio.timeout(STREAM_TIMEOUT):
            return await self.session.execute(request)

    async def answer(self, document: str, variables: Json | None = None) -> Json:
        """A query or mutation over this WebSocket: `{"data": ...}` or `{"errors": [...]}`."""
        try:
            return {"data": await self.execute(document, variables)}
        except TransportQueryError as refused:
            return {"errors": refused.errors}

    async def first_event(self, document: str, variables: Json) -> Json:
        """The subscription's first event (TransportQueryError if it is refused)."""
        async with asyncio.timeout(STREAM_TIMEOUT):
            async for event in self.stream(document, variables):
                return event
        raise AssertionError("the subscription completed without an event or an error")

    def stream(self, document: str, variables: Json) -> AsyncIterator[Json]:
        """Each event the subscription yields (its field's value)."""
        return _payloads(self.session, GraphQLRequest(document, variable_values=variables))

    async def saga_updates(
        self, saga_id: str, after_sequence: int | None = None, *, timeout: float = STREAM_TIMEOUT
    ) -> list[Json]:
        """Every event `sagaUpdates` yields, once it has completed (as it must, after the end)."""
        variables: Json = {"sagaId": saga_id}
        if after_sequence is not None:
            variables["afterSequence"] = after_sequence
        async with asyncio.timeout(timeout):
            return [event async for event in self.stream(documents.SAGA_UPDATES, variables)]

    def stream_session_events(self, after: str | None = None) -> AsyncIterator[Json]:
        return self.stream(documents.SESSION_EVENTS, {"after": after})

    async def session_events(self, *, sagas: int, after: str | None = None) -> list[Json]:
        """`sessionEvents` (which never ends by itself) until `sagas` sagas have ended in it."""
        events: list[Json] = []
        async with asyncio.timeout(STREAM_TIMEOUT):
            async for event in self.stream_session_events(after):
                events.append(event)
                if sum(e["kind"] in TERMINAL_KINDS for e in events) == sagas:
                    break
        return events


async def _payloads(session: AsyncClientSession, request: GraphQLRequest) -> AsyncIterator[Json]:
    async for result in session.subscribe(request):
        (payload,) = result.values()
        yield cast(Json, payload)


@asynccontextmanager
async def connect(
    http_url: str, *, cookie: str | None, protocol: str, origin: str | None = None
) -> AsyncIterator[Connection]:
    """A WebSocket with that session cookie (none: no cookie) and Origin header (none: none)."""
    headers: dict[str, str] = {}
    if cookie is not None:
        headers["Cookie"] = f"session_id={cookie}"
    if origin is not None:
        headers["Origin"] = origin
    transport = WebsocketsTransport(
        url=websocket_url(http_url), headers=headers, subprotocols=[protocol]
    )
    async with Client(transport=transport) as session:
        yield Connection(cast(AsyncClientSession, session), transport)


def sequences(events: list[Json]) -> list[int]:
    return [int(event["sequence"]) for event in events]


def event_ids(events: list[Json]) -> list[int]:
    return [int(event["id"]) for event in events]


def only(events: list[Json], saga_id: str) -> list[Json]:
    return [event for event in events if event["sagaId"] == saga_id]


def assert_consecutive(numbers: list[int], first: int = 1) -> None:
    """first, first + 1, ...: nothing missing, nothing twice, in order."""
    assert numbers == list(range(first, first + len(numbers))), numbers


def ends_the_saga(event: Json) -> bool:
    return bool(event["kind"] in TERMINAL_KINDS)
