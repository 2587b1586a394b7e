"""Search across meetings, sessions, documents, follow-up actions and people, on SQLite
(FTS5) and PostgreSQL (full-text search)."""
