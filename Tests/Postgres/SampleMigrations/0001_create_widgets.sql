-- Sample migration used by Tests/Postgres: a table with a dollar-quoted function body.
CREATE TABLE widgets (
    id   bigserial PRIMARY KEY,
    name text NOT NULL UNIQUE
);

CREATE FUNCTION widget_name_length(widget_name text) RETURNS int LANGUAGE sql AS $$
    SELECT length(widget_name);  -- a semicolon inside the body
$$;
