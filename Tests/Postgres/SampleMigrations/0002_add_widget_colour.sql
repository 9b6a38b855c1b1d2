ALTER TABLE widgets ADD COLUMN colour text NOT NULL DEFAULT 'blue';
INSERT INTO widgets (name) VALUES ('first');
