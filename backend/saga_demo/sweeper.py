"""The session sweeper: removes sessions idle past the TTL, with all their data."""

import asyncio
import logging
from datetime import timedelta

from .api.sessions import SessionRegistry
from .shop.service import Shop

logger = logging.getLogger(__name__)


def sweep_interval(ttl_seconds: float) -> float:
    """Often enough that a session outlives its TTL by at most half of it (and a minute)."""
    return max(0.2, min(60.0, ttl_seconds / 2))


async def sweep_idle_sessions(shop: Shop, registry: SessionRegistry, ttl_seconds: float) -> None:
    """Run until cancelled: every interval, expire idle sessions without a saga or a socket."""
    idle_for = timedelta(seconds=ttl_seconds)
    while True:
        await asyncio.sleep(sweep_interval(ttl_seconds))
        connected = registry.connected_sessions()
        try:
            # Scaled out, another replica may sweep: these are seen now, so none is idle.
            await shop.renew_sessions(connected)
            removed = await shop.expire_sessions(idle_for, keep=connected)
        except Exception:
            logger.exception("💥 Session sweep failed; trying again next interval")
            continue
        for session_id in removed:
            registry.forget(session_id)
        if removed:
            logger.info("🧹 Removed %d idle session(s)", len(removed))
