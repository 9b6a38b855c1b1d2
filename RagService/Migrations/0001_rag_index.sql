-- Indexed repositories, their files (content hash for incremental re-indexing) and chunks with embeddings.
CREATE TABLE rag_repositories (
    id              bigserial PRIMARY KEY,
    repo            text        NOT NULL,
    branch          text        NOT NULL,
    path            text        NOT NULL,
    state           text        NOT NULL DEFAULT 'not_indexed',
    embedding_model text        NULL,
    files           integer     NOT NULL DEFAULT 0,
    chunks          integer     NOT NULL DEFAULT 0,
    files_changed   integer     NOT NULL DEFAULT 0,
    files_removed   integer     NOT NULL DEFAULT 0,
    indexed_at      timestamptz NULL,
    duration_ms     bigint      NOT NULL DEFAULT 0,
    error           text        NULL,
    tree_fingerprint text       NULL,
    UNIQUE (repo, branch)
);

CREATE TABLE rag_files (
    repository_id bigint NOT NULL REFERENCES rag_repositories (id) ON DELETE CASCADE,
    path          text   NOT NULL,
    content_hash  text   NOT NULL,
    PRIMARY KEY (repository_id, path)
);

-- Embeddings are float32 little-endian in bytea: a quarter of real[]'s text size, read without parsing.
CREATE TABLE rag_chunks (
    repository_id bigint  NOT NULL,
    id            bigint  NOT NULL,
    path          text    NOT NULL,
    start_line    integer NOT NULL,
    end_line      integer NOT NULL,
    symbol        text    NOT NULL,
    kind          text    NOT NULL,
    language      text    NOT NULL,
    text          text    NOT NULL,
    embedding     bytea   NOT NULL,
    PRIMARY KEY (repository_id, id),
    FOREIGN KEY (repository_id, path) REFERENCES rag_files (repository_id, path) ON DELETE CASCADE
);

CREATE INDEX rag_chunks_by_file ON rag_chunks (repository_id, path);
