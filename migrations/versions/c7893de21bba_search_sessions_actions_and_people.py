"""search sessions, follow-up actions and people

search_entry gains a key per new kind of entry: session_id, action_id, registration_id (a
person as registered for a meeting) and user_id (a person by their account's name); its
check constraint asks for exactly one key. The existing sessions, actions, registrations and
accounts are indexed (`flask search rebuild` writes the same words).

SQLite rebuilds the table to change its constraints: the FTS5 triggers on it are dropped
first and made again as ca7288646629 made them, the entries keep their ids (the rowids of
search_fts), and search_fts is rebuilt from them. PostgreSQL alters the table in place: the
generated terms_vector column and its GIN index stay.

Revision ID: c7893de21bba
Revises: 81aa57b570a7
Create Date: 2026-11-26 11:20:00.000000

"""
from alembic import op
import sqlalchemy as sa

from meetings.core.countries import country_name
from meetings.search.terms import terms


# revision identifiers, used by Alembic.
revision = 'c7893de21bba'
down_revision = '81aa57b570a7'
branch_labels = None
depends_on = None

OLD_KEYS = {"document_id": "document", "meeting_id": "meeting"}
NEW_KEYS = {
    "session_id": "session",
    "action_id": "follow_up_action",
    "registration_id": "registration",
    "user_id": "user_account",
}
CHECK = "ck_search_entry_one_kind_of_thing"
OLD_CHECK = "(document_id IS NULL) <> (meeting_id IS NULL)"
NEW_CHECK = (
    " + ".join(
        f"(CASE WHEN {key} IS NULL THEN 0 ELSE 1 END)" for key in {**OLD_KEYS, **NEW_KEYS}
    )
    + " = 1"
)

# As ca7288646629 made them.
TRIGGERS = [
    "CREATE TRIGGER search_entry_ai AFTER INSERT ON search_entry BEGIN "
    "INSERT INTO search_fts(rowid, terms) VALUES (new.id, new.terms); END",
    "CREATE TRIGGER search_entry_ad AFTER DELETE ON search_entry BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, terms) VALUES ('delete', old.id, old.terms); END",
    "CREATE TRIGGER search_entry_au AFTER UPDATE ON search_entry BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, terms) VALUES ('delete', old.id, old.terms); "
    "INSERT INTO search_fts(rowid, terms) VALUES (new.id, new.terms); END",
]
DROP_TRIGGERS = [
    "DROP TRIGGER IF EXISTS search_entry_au",
    "DROP TRIGGER IF EXISTS search_entry_ad",
    "DROP TRIGGER IF EXISTS search_entry_ai",
]
REBUILD_FTS = "INSERT INTO search_fts(search_fts) VALUES('rebuild')"

# What each new kind's words are made of, as meetings/search/index.py makes them.
EXISTING = {
    "session_id": (
        "SELECT session.id, session.title, session.description, session.room, meeting.title"
        " FROM session JOIN meeting ON meeting.id = session.meeting_id",
        lambda r: terms(*(v or "" for v in r[1:5])),
    ),
    "action_id": (
        "SELECT id, item, title, description, lead_organisation,"
        " CASE WHEN lead_kind = 'member_state' THEN lead_country END FROM follow_up_action",
        lambda r: terms(*(v or "" for v in r[1:5]), (country_name(r[5]) or "") if r[5] else ""),
    ),
    "registration_id": ("SELECT id, name FROM registration", lambda r: terms(r[1] or "")),
    "user_id": ("SELECT id, name FROM user_account", lambda r: terms(r[1] or "")),
}


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _table(keys: dict[str, str], check: str) -> sa.Table:
    """search_entry as it stands, for SQLite's copy of it (its constraints by name)."""
    return sa.Table(
        "search_entry",
        sa.MetaData(),
        sa.Column("id", sa.Integer(), primary_key=True),
        *(sa.Column(key, sa.Integer(), nullable=True) for key in keys),
        sa.Column("terms", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_search_entry"),
        sa.CheckConstraint(check, name=CHECK),
        *(
            sa.ForeignKeyConstraint(
                [key], [f"{table}.id"], name=f"fk_search_entry_{key}_{table}", ondelete="CASCADE"
            )
            for key, table in keys.items()
        ),
        *(sa.UniqueConstraint(key, name=f"uq_search_entry_{key}") for key in keys),
    )


def _alter(copy_from: sa.Table, change) -> None:
    """Alter search_entry; on SQLite (a copy of the table) without its FTS5 triggers, made
    again afterwards, and with search_fts rebuilt from the copied entries."""
    sqlite = _sqlite()
    if sqlite:
        for statement in DROP_TRIGGERS:
            op.execute(statement)
    with op.batch_alter_table(
        "search_entry", copy_from=copy_from if sqlite else None
    ) as batch_op:
        change(batch_op)
    if sqlite:
        for statement in TRIGGERS:
            op.execute(statement)
        op.execute(REBUILD_FTS)


def upgrade():
    def add_keys(batch_op) -> None:
        batch_op.drop_constraint(op.f(CHECK), type_="check")
        for key, table in NEW_KEYS.items():
            batch_op.add_column(sa.Column(key, sa.Integer(), nullable=True))
            batch_op.create_unique_constraint(op.f(f"uq_search_entry_{key}"), [key])
            batch_op.create_foreign_key(
                op.f(f"fk_search_entry_{key}_{table}"), table, [key], ["id"], ondelete="CASCADE"
            )
        batch_op.create_check_constraint(op.f(CHECK), sa.text(NEW_CHECK))

    _alter(_table(OLD_KEYS, OLD_CHECK), add_keys)
    _index_existing()


def _index_existing() -> None:
    """The sessions, actions, registrations and accounts already there (the triggers write
    their words to search_fts on SQLite)."""
    bind = op.get_bind()
    for key, (query, words) in EXISTING.items():
        entries = [{"key": r[0], "terms": words(r)} for r in bind.execute(sa.text(query))]
        if entries:
            insert = f"INSERT INTO search_entry ({key}, terms) VALUES (:key, :terms)"
            bind.execute(sa.text(insert), entries)


def downgrade():
    keys = " OR ".join(f"{key} IS NOT NULL" for key in NEW_KEYS)
    op.execute(f"DELETE FROM search_entry WHERE {keys}")

    def drop_keys(batch_op) -> None:
        batch_op.drop_constraint(op.f(CHECK), type_="check")
        for key, table in NEW_KEYS.items():
            batch_op.drop_constraint(op.f(f"fk_search_entry_{key}_{table}"), type_="foreignkey")
            batch_op.drop_constraint(op.f(f"uq_search_entry_{key}"), type_="unique")
            batch_op.drop_column(key)
        batch_op.create_check_constraint(op.f(CHECK), sa.text(OLD_CHECK))

    _alter(_table({**OLD_KEYS, **NEW_KEYS}, NEW_CHECK), drop_keys)
