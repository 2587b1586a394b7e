"""Search across documents and meetings, on SQLite (FTS5) and PostgreSQL (full-text search)."""
