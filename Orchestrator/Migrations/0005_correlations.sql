-- Seed agents send no key and no request id: a CommitResult names its task, a BuildReport its commit, a
-- TestSpec its parent commit, GeneratedTests their spec. The Orchestrator records which request each such id
-- belongs to (in the transaction that learns it) and finds the request of an id-less message here.
CREATE TABLE correlations (
    kind       text NOT NULL,   -- plan | task | commit | spec
    value      text NOT NULL,
    request_id text NOT NULL REFERENCES requests (id),
    PRIMARY KEY (kind, value)
);
CREATE INDEX correlations_request ON correlations (request_id);
