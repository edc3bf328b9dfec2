"""The participants: inventory, payment and shipping, each owning its data, idempotent by key."""

from .embedded import ParticipantInfo, Participants, in_process
from .interface import (
    Participant,
    ParticipantDown,
    ParticipantUnavailable,
    ParticipantUnreachable,
    Refused,
)
from .inventory import INITIAL_STOCK, Inventory, InventoryService, StockReservation
from .payment import INITIAL_BALANCES_CENTS, Charge, Payment, PaymentService
from .shipping import Shipment, ShippingService

__all__ = [
    "INITIAL_BALANCES_CENTS",
    "INITIAL_STOCK",
    "Charge",
    "Inventory",
    "InventoryService",
    "Participant",
    "ParticipantDown",
    "ParticipantInfo",
    "ParticipantUnavailable",
    "ParticipantUnreachable",
    "Participants",
    "Payment",
    "PaymentService",
    "Refused",
    "Shipment",
    "ShippingService",
    "StockReservation",
    "in_process",
]
