"""What every new session starts with: the original demo's products and users."""

from types import MappingProxyType

INITIAL_STOCK = MappingProxyType({"product_1": 100, "product_2": 50, "product_3": 25})
INITIAL_BALANCES_CENTS = MappingProxyType({"user_1": 100_000, "user_2": 50_000, "user_3": 20_000})
