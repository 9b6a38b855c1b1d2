-- Bumped by every indexing run that ends. Each replica remembers the version its in-memory index reflects and
-- catches up from rag_files/rag_chunks before answering when the stored version is newer.
ALTER TABLE rag_repositories ADD COLUMN index_version bigint NOT NULL DEFAULT 0;
