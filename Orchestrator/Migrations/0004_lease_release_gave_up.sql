-- A release Srm refused with a permanent error (INVALID_ARGUMENT, NOT_FOUND, ...) is not retried: the
-- worker records when it gave up, and the request's timeline says why (Orchestrator/Leases).
ALTER TABLE lease_releases ADD COLUMN gave_up_at timestamptz NULL;
