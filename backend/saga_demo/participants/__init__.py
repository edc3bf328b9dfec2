"""The participants: inventory, payment and shipping, each owning its data, idempotent by key."""

from .interface import Participant, ParticipantUnavailable, Refused
from .inventory import InventoryService, StockReservation
from .payment import Charge, PaymentService
from .shipping import Shipment, ShippingService

__all__ = [
    "Charge",
    "InventoryService",
    "Participant",
    "ParticipantUnavailable",
    "PaymentService",
    "Refused",
    "Shipment",
    "ShippingService",
    "StockReservation",
]
