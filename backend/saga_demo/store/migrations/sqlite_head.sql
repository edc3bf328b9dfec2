CREATE TABLE alembic_version (
	version_num VARCHAR(32) NOT NULL, 
	CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);

CREATE TABLE sessions (
	id VARCHAR(64) NOT NULL, 
	created_at DATETIME NOT NULL, 
	last_seen_at DATETIME NOT NULL, 
	last_event_id BIGINT DEFAULT '0' NOT NULL, 
	last_order_number BIGINT DEFAULT '0' NOT NULL, 
	CONSTRAINT pk_sessions PRIMARY KEY (id)
);

CREATE TABLE sagas (
	id VARCHAR(64) NOT NULL, 
	session_id VARCHAR(64) NOT NULL, 
	definition VARCHAR(64) NOT NULL, 
	correlation_id VARCHAR(64) NOT NULL, 
	payload TEXT NOT NULL, 
	status VARCHAR(32) NOT NULL, 
	last_sequence INTEGER NOT NULL, 
	cancel_requested BOOLEAN DEFAULT '0' NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	finished_at DATETIME, trace_context VARCHAR(128), owner VARCHAR(64), 
	CONSTRAINT pk_sagas PRIMARY KEY (id), 
	CONSTRAINT fk_sagas_session_id_sessions FOREIGN KEY(session_id) REFERENCES sessions (id) ON DELETE CASCADE
);

CREATE INDEX ix_sagas_unfinished ON sagas (finished_at, created_at);

CREATE TABLE saga_events (
	session_id VARCHAR(64) NOT NULL, 
	event_id BIGINT NOT NULL, 
	saga_id VARCHAR(64) NOT NULL, 
	sequence INTEGER NOT NULL, 
	kind VARCHAR(32) NOT NULL, 
	step VARCHAR(64), 
	attempt INTEGER, 
	step_status VARCHAR(32), 
	saga_status VARCHAR(32) NOT NULL, 
	error_message TEXT, 
	at DATETIME NOT NULL, 
	CONSTRAINT pk_saga_events PRIMARY KEY (session_id, event_id), 
	CONSTRAINT fk_saga_events_saga_id_sagas FOREIGN KEY(saga_id) REFERENCES sagas (id) ON DELETE CASCADE, 
	CONSTRAINT fk_saga_events_session_id_sessions FOREIGN KEY(session_id) REFERENCES sessions (id) ON DELETE CASCADE, 
	CONSTRAINT uq_saga_events_saga_sequence UNIQUE (saga_id, sequence)
);

CREATE TABLE saga_steps (
	saga_id VARCHAR(64) NOT NULL, 
	position INTEGER NOT NULL, 
	name VARCHAR(64) NOT NULL, 
	status VARCHAR(32) NOT NULL, 
	error_message TEXT, 
	attempts INTEGER DEFAULT '0' NOT NULL, 
	started_at DATETIME, 
	finished_at DATETIME, 
	outcome_unknown BOOLEAN DEFAULT '0' NOT NULL, 
	compensation VARCHAR(32), compensation_attempts INTEGER DEFAULT '0' NOT NULL, compensation_retry_from INTEGER DEFAULT '0' NOT NULL, next_attempt_at DATETIME, 
	CONSTRAINT pk_saga_steps PRIMARY KEY (saga_id, position), 
	CONSTRAINT fk_saga_steps_saga_id_sagas FOREIGN KEY(saga_id) REFERENCES sagas (id) ON DELETE CASCADE
);

CREATE TABLE "orders" (
	id VARCHAR(64) NOT NULL, 
	session_id VARCHAR(64) NOT NULL, 
	number BIGINT NOT NULL, 
	user_id VARCHAR(64) NOT NULL, 
	product_id VARCHAR(64) NOT NULL, 
	quantity INTEGER NOT NULL, 
	amount_cents BIGINT NOT NULL, 
	saga_id VARCHAR(64) NOT NULL, 
	created_at DATETIME NOT NULL, 
	idempotency_key VARCHAR(200), 
	request_fingerprint VARCHAR(64), 
	CONSTRAINT pk_orders PRIMARY KEY (id), 
	CONSTRAINT fk_orders_session_id_sessions FOREIGN KEY(session_id) REFERENCES sessions (id) ON DELETE CASCADE, 
	CONSTRAINT uq_orders_saga_id UNIQUE (saga_id), 
	CONSTRAINT uq_orders_session_number UNIQUE (session_id, number), 
	CONSTRAINT uq_orders_session_idempotency_key UNIQUE (session_id, idempotency_key)
);

CREATE INDEX ix_sagas_owner ON sagas (owner);

CREATE TABLE replicas (
	id VARCHAR(64) NOT NULL, 
	host TEXT NOT NULL, 
	started_at DATETIME NOT NULL, 
	lease_expires_at DATETIME NOT NULL, 
	CONSTRAINT pk_replicas PRIMARY KEY (id)
);

CREATE INDEX ix_sagas_session_unfinished ON sagas (session_id, finished_at);

CREATE TABLE inventory_alembic_version (
	version_num VARCHAR(32) NOT NULL, 
	CONSTRAINT inventory_alembic_version_pkc PRIMARY KEY (version_num)
);

CREATE TABLE inventory_stock (
	session_id VARCHAR(64) NOT NULL, 
	product_id VARCHAR(64) NOT NULL, 
	available INTEGER NOT NULL, 
	CONSTRAINT pk_inventory_stock PRIMARY KEY (session_id, product_id), 
	CONSTRAINT ck_inventory_stock_available_not_negative CHECK (available >= 0)
);

CREATE TABLE inventory_reservations (
	saga_id VARCHAR(64) NOT NULL, 
	step VARCHAR(64) NOT NULL, 
	session_id VARCHAR(64) NOT NULL, 
	product_id VARCHAR(64) NOT NULL, 
	quantity INTEGER NOT NULL, 
	state VARCHAR(32) NOT NULL, 
	reason TEXT, 
	updated_at DATETIME NOT NULL, 
	CONSTRAINT pk_inventory_reservations PRIMARY KEY (saga_id, step)
);

CREATE INDEX ix_inventory_reservations_session_id ON inventory_reservations (session_id);

CREATE TABLE payment_alembic_version (
	version_num VARCHAR(32) NOT NULL, 
	CONSTRAINT payment_alembic_version_pkc PRIMARY KEY (version_num)
);

CREATE TABLE payment_accounts (
	session_id VARCHAR(64) NOT NULL, 
	user_id VARCHAR(64) NOT NULL, 
	balance_cents BIGINT NOT NULL, 
	CONSTRAINT pk_payment_accounts PRIMARY KEY (session_id, user_id), 
	CONSTRAINT ck_payment_accounts_balance_not_negative CHECK (balance_cents >= 0)
);

CREATE TABLE payment_charges (
	saga_id VARCHAR(64) NOT NULL, 
	step VARCHAR(64) NOT NULL, 
	session_id VARCHAR(64) NOT NULL, 
	user_id VARCHAR(64) NOT NULL, 
	amount_cents BIGINT NOT NULL, 
	state VARCHAR(32) NOT NULL, 
	reason TEXT, 
	updated_at DATETIME NOT NULL, 
	CONSTRAINT pk_payment_charges PRIMARY KEY (saga_id, step)
);

CREATE INDEX ix_payment_charges_session_id ON payment_charges (session_id);

CREATE TABLE shipping_alembic_version (
	version_num VARCHAR(32) NOT NULL, 
	CONSTRAINT shipping_alembic_version_pkc PRIMARY KEY (version_num)
);

CREATE TABLE shipping_shipments (
	saga_id VARCHAR(64) NOT NULL, 
	step VARCHAR(64) NOT NULL, 
	session_id VARCHAR(64) NOT NULL, 
	order_id VARCHAR(64) NOT NULL, 
	state VARCHAR(32) NOT NULL, 
	reason TEXT, 
	updated_at DATETIME NOT NULL, 
	CONSTRAINT pk_shipping_shipments PRIMARY KEY (saga_id, step)
);

CREATE INDEX ix_shipping_shipments_session_id ON shipping_shipments (session_id);

INSERT INTO alembic_version (version_num) VALUES ('0005');

INSERT INTO inventory_alembic_version (version_num) VALUES ('0001');

INSERT INTO payment_alembic_version (version_num) VALUES ('0001');

INSERT INTO shipping_alembic_version (version_num) VALUES ('0001');

