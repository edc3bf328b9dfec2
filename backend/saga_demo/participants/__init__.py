"""The participants: inventory, payment and shipping, each owning its data, idempotent by key."""

from .embedded import Participants, in_process
from .interface import Participant, ParticipantUnavailable, ParticipantUnreachable, Refused
from .inventory import INITIAL_STOCK, InventoryService, StockReservation
from .payment import INITIAL_BALANCES_CENTS, Charge, PaymentService
from .shipping import Shipment, ShippingService

__all__ = [
    "INITIAL_BALANCES_CENTS",
    "INITIAL_STOCK",
    "Charge",
    "InventoryService",
    "Participant",
    "ParticipantUnavailable",
    "ParticipantUnreachable",
    "Participants",
    "PaymentService",
    "Refused",
    "Shipment",
    "ShippingService",
    "StockReservation",
    "in_process",
]
