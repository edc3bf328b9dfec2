"""The participants as the settings say: each remote where its URL is set, else in-process."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from ..participants import Participants, in_process
from ..settings import Settings
from ..store import Store
from .client import RemoteInventory, RemoteParticipant, RemotePayment
from .wire import WIRES


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
    timeout = settings.step_timeout_seconds
    token = settings.service_token
    remote: list[RemoteParticipant] = []
    inventory, payment, shipping = local.inventory, local.payment, local.shipping
    if settings.inventory_url:
        inventory = RemoteInventory(
            WIRES["inventory"], settings.inventory_url, timeout=timeout, token=token
        )
        remote.append(inventory)
    if settings.payment_url:
        payment = RemotePayment(
            WIRES["payment"], settings.payment_url, timeout=timeout, token=token
        )
        remote.append(payment)
    if settings.shipping_url:
        shipping = RemoteParticipant(
            WIRES["shipping"], settings.shipping_url, timeout=timeout, token=token
        )
        remote.append(shipping)
    return Configured(Participants(inventory, payment, shipping), remote)
