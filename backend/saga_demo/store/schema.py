"""The orchestrator's schema (sessions, orders, the saga log), declared once; Alembic migrates it
and both adapters use it. Each participant declares its own tables (`participants/tables.py`),
with migrations of its own."""

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
"""Constraint names, the same in every schema here (the orchestrator's and the participants')."""

metadata = MetaData(naming_convention=NAMING_CONVENTION)

ID = String(64)
STATUS = String(32)
TIMESTAMP = DateTime(timezone=True)

sessions = Table(
    "sessions",
    metadata,
    Column("id", ID, primary_key=True),
    Column("created_at", TIMESTAMP, nullable=False),
    Column("last_seen_at", TIMESTAMP, nullable=False),
    Column("last_event_id", BigInteger, nullable=False, server_default="0"),
    Column("last_order_number", BigInteger, nullable=False, server_default="0"),
)

orders = Table(
    "orders",
    metadata,
    Column("id", ID, primary_key=True),
    Column("session_id", ID, ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
    Column("number", BigInteger, nullable=False),
    Column("user_id", ID, nullable=False),
    Column("product_id", ID, nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("amount_cents", BigInteger, nullable=False),
    Column("saga_id", ID, nullable=False, unique=True),
    Column("created_at", TIMESTAMP, nullable=False),
    Column("idempotency_key", String(200), nullable=True),
    Column("request_fingerprint", String(64), nullable=True),
    UniqueConstraint("session_id", "number", name="uq_orders_session_number"),
    UniqueConstraint("session_id", "idempotency_key", name="uq_orders_session_idempotency_key"),
)

sagas = Table(
    "sagas",
    metadata,
    Column("id", ID, primary_key=True),
    Column("session_id", ID, ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
    Column("definition", ID, nullable=False),
    Column("correlation_id", ID, nullable=False),
    Column("payload", Text, nullable=False),
    Column("status", STATUS, nullable=False),
    Column("last_sequence", Integer, nullable=False),
    Column("cancel_requested", Boolean, nullable=False, server_default="0"),
    Column("created_at", TIMESTAMP, nullable=False),
    Column("updated_at", TIMESTAMP, nullable=False),
    Column("finished_at", TIMESTAMP, nullable=True),
    # The saga's W3C traceparent when traced (55 characters in version 00).
    Column("trace_context", String(128), nullable=True),
    # Scaled out: the replica that runs the saga (`replicas.id`), None when none does (a new
    # database's, or one released); the embedded mode leaves it None.
    Column("owner", ID, nullable=True),
    # A session's unfinished sagas (a reset refused while one runs; the sweeper). Neither
    # column changes while a saga runs, so an update of its status rewrites no index.
    Index("ix_sagas_session_unfinished", "session_id", "finished_at"),
    Index("ix_sagas_owner", "owner"),
    Index("ix_sagas_unfinished", "finished_at", "created_at"),
)

saga_steps = Table(
    "saga_steps",
    metadata,
    Column("saga_id", ID, ForeignKey("sagas.id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("name", ID, nullable=False),
    Column("status", STATUS, nullable=False),
    Column("error_message", Text, nullable=True),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("started_at", TIMESTAMP, nullable=True),
    Column("finished_at", TIMESTAMP, nullable=True),
    Column("outcome_unknown", Boolean, nullable=False, server_default="0"),
    Column("compensation", STATUS, nullable=True),
    Column("compensation_attempts", Integer, nullable=False, server_default="0"),
    Column("compensation_retry_from", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", TIMESTAMP, nullable=True),
)

saga_events = Table(
    "saga_events",
    metadata,
    Column("session_id", ID, ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True),
    Column("event_id", BigInteger, primary_key=True),
    Column("saga_id", ID, ForeignKey("sagas.id", ondelete="CASCADE"), nullable=False),
    Column("sequence", Integer, nullable=False),
    Column("kind", STATUS, nullable=False),
    Column("step", ID, nullable=True),
    Column("attempt", Integer, nullable=True),
    Column("step_status", STATUS, nullable=True),
    Column("saga_status", STATUS, nullable=False),
    Column("error_message", Text, nullable=True),
    Column("at", TIMESTAMP, nullable=False),
    UniqueConstraint("saga_id", "sequence", name="uq_saga_events_saga_sequence"),
)

replicas = Table(
    "replicas",
    metadata,
    Column("id", ID, primary_key=True),
    Column("host", Text, nullable=False),
    Column("started_at", TIMESTAMP, nullable=False),
    # The replica's lease on every saga it owns: renewed while it lives; once past, any other
    # replica may claim them.
    Column("lease_expires_at", TIMESTAMP, nullable=False),
)
"""Scaled out: the orchestrator replicas alive (or lately so), each with its lease."""
