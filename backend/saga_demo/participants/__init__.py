"""The participants: inventory, payment and shipping, each owning its data, idempotent by key."""

from .interface import Participant, ParticipantUnavailable, ParticipantUnreachable, Refused
from .inventory import InventoryService, StockReservation
from .payment import Charge, PaymentService
from .shipping import Shipment, ShippingService

__all__ = [
    "Charge",
    "InventoryService",
    "Participant",
    "ParticipantUnavailable",
    "ParticipantUnreachable",
    "PaymentService",
    "Refused",
    "Shipment",
    "ShippingService",
    "StockReservation",
]
