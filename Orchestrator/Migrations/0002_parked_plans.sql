-- Plans that arrived before their change request: another agent published the ChangeRequest straight
-- to change.request.in, and the Orchestrator (one consumer over both topics) read the planner's answer
-- on plan.out first. They are applied, in arrival order, in the transaction that creates the request.
CREATE TABLE parked_plans (
    seq        bigserial PRIMARY KEY,
    request_id text        NOT NULL,
    payload    bytea       NOT NULL,   -- core.Plan protobuf
    topic      text        NOT NULL,
    partition  integer     NULL,
    "offset"   bigint      NULL,
    message_id text        NOT NULL,
    parked_at  timestamptz NOT NULL
);
CREATE INDEX parked_plans_request ON parked_plans (request_id, seq);
