-- The Orchestrator's durable state: one row per change request, its full timeline, the inbox of
-- consumed messages, the outbox of messages to publish, and plans whose leases must be released.
-- A consumed message's inbox row, the state change, its history and its outbox rows are written in
-- one transaction (Orchestrator/Persistence/RequestStore.cs).

CREATE TABLE requests (
    id            text PRIMARY KEY,
    stage         text        NOT NULL,
    repo          text        NOT NULL,
    branch        text        NOT NULL,
    description   text        NOT NULL,
    requester     text        NOT NULL,
    attempts      integer     NOT NULL,
    plan_id       text        NULL,
    plan          bytea       NULL,      -- core.Plan protobuf of the accepted plan
    pending_tasks text[]      NOT NULL DEFAULT '{}',
    blocked_by    text[]      NOT NULL DEFAULT '{}',
    resubmit_at   timestamptz NULL,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,  -- last applied transition ("progress")
    version       bigint      NOT NULL
);
CREATE INDEX requests_stage_created ON requests (stage, created_at DESC, id);
CREATE INDEX requests_created ON requests (created_at DESC, id);
CREATE INDEX requests_waiting ON requests (resubmit_at) WHERE resubmit_at IS NOT NULL;
CREATE INDEX requests_blocked_by ON requests USING gin (blocked_by) WHERE resubmit_at IS NOT NULL;

CREATE TABLE history (
    seq              bigserial PRIMARY KEY,
    request_id       text        NOT NULL REFERENCES requests (id),
    at               timestamptz NOT NULL,
    trigger          text        NOT NULL,
    from_stage       text        NOT NULL,
    to_stage         text        NOT NULL,
    applied          boolean     NOT NULL,  -- false: trigger not valid in from_stage, recorded and ignored
    source_topic     text        NOT NULL,
    source_partition integer     NULL,
    source_offset    bigint      NULL,
    message_id       text        NULL,
    detail           text        NOT NULL DEFAULT ''
);
CREATE INDEX history_request ON history (request_id, seq);

-- Identity of every consumed message that was processed. message_id is the message-id header, or
-- "topic/partition/offset" when a producer sent none.
CREATE TABLE inbox (
    message_id  text PRIMARY KEY,
    topic       text        NOT NULL,
    partition   integer     NOT NULL,
    "offset"    bigint      NOT NULL,
    request_id  text        NULL,
    received_at timestamptz NOT NULL
);
CREATE INDEX inbox_position ON inbox (topic, partition, "offset");

CREATE TABLE outbox (
    id           bigserial PRIMARY KEY,
    topic        text        NOT NULL,
    key          text        NOT NULL,
    payload      bytea       NOT NULL,
    message_type text        NOT NULL,
    message_id   text        NOT NULL UNIQUE,
    traceparent  text        NULL,
    created_at   timestamptz NOT NULL,
    published_at timestamptz NULL
);
CREATE INDEX outbox_unpublished ON outbox (id) WHERE published_at IS NULL;
CREATE INDEX outbox_key_topic ON outbox (key, topic);

-- Plans of ended requests whose leases Srm must release; retried with back-off until it answers.
CREATE TABLE lease_releases (
    plan_id         text PRIMARY KEY,
    request_id      text        NOT NULL,
    created_at      timestamptz NOT NULL,
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    last_error      text        NULL,
    released_at     timestamptz NULL,
    released_count  integer     NULL
);
CREATE INDEX lease_releases_due ON lease_releases (next_attempt_at) WHERE released_at IS NULL;
