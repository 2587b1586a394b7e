"""search matches found on the GIN index (PostgreSQL)

The planner judges a sequential scan of search_entry cheap (its heap is small: the
tsvectors are stored apart, in TOAST) and costs a prefix query on the GIN index high, so
with a few thousand documents it tested every row's words: 22 ms a statement for no match
among 5,000 documents, and a search runs several such statements. The GIN index answers the
same in under 1 ms. search_matches() runs the match with sequential scans off, for its own
statement only (a function with a SET clause is never inlined, and the setting ends with
it). It says it finds few rows (ROWS 10), so that a selective query is joined from its
matches, not the matches probed from every visible meeting. SQLite (FTS5) is unchanged.

Revision ID: d41e6a3b9c20
Revises: c7893de21bba
Create Date: 2026-11-26 14:40:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'd41e6a3b9c20'
down_revision = 'c7893de21bba'
branch_labels = None
depends_on = None

PG_UP = """
CREATE FUNCTION search_matches(query text) RETURNS SETOF integer
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET enable_seqscan = off
ROWS 10
AS $$
    SELECT id FROM search_entry
    WHERE terms_vector @@ to_tsquery('simple'::regconfig, query)
$$
"""
PG_DOWN = "DROP FUNCTION IF EXISTS search_matches(text)"


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade():
    if _postgresql():
        op.execute(PG_UP)


def downgrade():
    if _postgresql():
        op.execute(PG_DOWN)
