-- The review gate and lifecycle controls: a request may ask for its plan to be reviewed before coding,
-- and may retry an earlier one. Idempotency keys of POST /api/change-requests map a client's key to the
-- request it created and a digest of the body, so a retried POST returns that request (a different body: 409).
ALTER TABLE requests ADD COLUMN review boolean NOT NULL DEFAULT false;
ALTER TABLE requests ADD COLUMN retry_of text NULL;
CREATE INDEX requests_repo_created ON requests (repo, created_at DESC, id);

CREATE TABLE idempotency_keys (
    key         text PRIMARY KEY,
    request_id  text        NOT NULL REFERENCES requests (id),
    fingerprint text        NOT NULL,   -- SHA-256 of the normalised body
    created_at  timestamptz NOT NULL
);
