"""The participants as the settings say: each remote where its URL is set, else in-process."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from ..participants import Participants, in_process
from ..participants.embedded import ParticipantChanges
from ..settings import Settings
from ..store import Store
from .breaker import CircuitBreaker
from .client import RemoteInventory, RemoteParticipant, RemotePayment
from .wire import WIRES

R = TypeVar("R", bound=RemoteParticipant)


@dataclass
class Configured:
    participants: Participants
    remote: list[RemoteParticipant] = field(default_factory=list)

    async def close(self) -> None:
        for participant in self.remote:
            await participant.close()


def configured_participants(
    settings: Settings, store: Store, clock: Callable[[], datetime]
) -> Configured:
    """In-process participants, with those that have a URL in the settings replaced by their
    remote service (each alone is fine)."""
    local = in_process(store, clock, settings.latency_scale)
    remote: list[RemoteParticipant] = []
    changes = ParticipantChanges()

    def client(kind: type[R], name: str, url: str) -> R:
        breaker = CircuitBreaker(
            settings.circuit_failures,
            settings.circuit_cooldown_seconds,
            on_change=lambda state: changes.changed(name, str(state)),
        )
        participant = kind(
            WIRES[name],
            url,
            timeout=settings.step_timeout_seconds,
            token=settings.service_token,
            breaker=breaker,
        )
        remote.append(participant)
        return participant

    inventory, payment, shipping = local.inventory, local.payment, local.shipping
    if settings.inventory_url:
        inventory = client(RemoteInventory, "inventory", settings.inventory_url)
    if settings.payment_url:
        payment = client(RemotePayment, "payment", settings.payment_url)
    if settings.shipping_url:
        shipping = client(RemoteParticipant, "shipping", settings.shipping_url)
    return Configured(Participants(inventory, payment, shipping, changes), remote)
