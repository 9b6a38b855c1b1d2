-- Symbol leases. One row per (repo, branch, fq_name): the current lease on that symbol, live while
-- expires_at > clock_timestamp(). Released leases keep their row (expires_at = release time) until
-- the sweeper deletes it, so a reservation racing a release waits on the row lock instead of
-- inserting "beside" it (see LeaseStore for why that matters to the history).

-- Lease ids are fencing tokens: they only grow, never reused (gaps are fine).
CREATE SEQUENCE lease_ids AS bigint START WITH 1 NO CYCLE;

CREATE TABLE leases (
    repo        text        NOT NULL,
    branch      text        NOT NULL,
    fq_name     text        NOT NULL,
    lease_id    bigint      NOT NULL,
    kind        text        NOT NULL,
    file_path   text        NOT NULL,
    plan_id     text        NOT NULL,
    acquired_at timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    released_at timestamptz,
    CONSTRAINT leases_pkey PRIMARY KEY (repo, branch, fq_name),
    CONSTRAINT leases_lease_id_key UNIQUE (lease_id)
);

CREATE INDEX leases_plan_id_idx ON leases (plan_id);
CREATE INDEX leases_expires_at_idx ON leases (expires_at);

-- Audit of every lease ever granted. A lease held [granted_at, least(expires_at, released_at)).
-- Written by the trigger below, so no code path can change a lease without leaving a trace.
CREATE TABLE lease_history (
    lease_id    bigint      NOT NULL PRIMARY KEY,
    repo        text        NOT NULL,
    branch      text        NOT NULL,
    fq_name     text        NOT NULL,
    kind        text        NOT NULL,
    file_path   text        NOT NULL,
    plan_id     text        NOT NULL,
    granted_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    released_at timestamptz
);

CREATE INDEX lease_history_symbol_idx ON lease_history (repo, branch, fq_name, granted_at);
CREATE INDEX lease_history_granted_at_idx ON lease_history (granted_at);

CREATE FUNCTION record_lease_history() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' OR NEW.lease_id <> OLD.lease_id THEN
        INSERT INTO lease_history (lease_id, repo, branch, fq_name, kind, file_path, plan_id,
                                   granted_at, expires_at, released_at)
        VALUES (NEW.lease_id, NEW.repo, NEW.branch, NEW.fq_name, NEW.kind, NEW.file_path, NEW.plan_id,
                NEW.acquired_at, NEW.expires_at, NEW.released_at);
    ELSIF NEW.released_at IS NOT NULL AND OLD.released_at IS NULL THEN
        -- Keep the scheduled expiry; released_at ends the lease early.
        UPDATE lease_history SET released_at = NEW.released_at WHERE lease_id = NEW.lease_id;
    ELSIF NEW.expires_at <> OLD.expires_at THEN
        UPDATE lease_history SET expires_at = NEW.expires_at WHERE lease_id = NEW.lease_id;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER leases_record_history
    AFTER INSERT OR UPDATE ON leases
    FOR EACH ROW EXECUTE FUNCTION record_lease_history();
