"""Extensions, created unbound here and bound to the app in create_app()."""

from flask import request
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_smorest import Api as SmorestApi
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine

# Named constraints, so that Alembic migrations can alter them on SQLite and PostgreSQL alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SQLITE_BUSY_TIMEOUT_MS = 30_000

db = SQLAlchemy(metadata=MetaData(naming_convention=NAMING_CONVENTION))
migrate = Migrate(compare_type=True, render_as_batch=True)
csrf = CSRFProtect()
login = LoginManager()


class Api(SmorestApi):
    """flask-smorest's Api, minus its app-wide JSON error handler (pages keep HTML errors)."""

    def _register_error_handlers(self):
        """Leave error handling to meetings.core.errors, which answers JSON only under /api/."""

    def json_error(self, error):
        """flask-smorest's JSON error; a plain abort's description becomes its message."""
        if not getattr(error, "data", None) and error.description != type(error).description:
            error.data = {"message": error.description}
        return self.handle_http_exception(error)


api = Api()


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, _record):
    """On every SQLite connection: enforce foreign keys (off unless asked); write-ahead
    logging, so that pages keep reading while a worker writes (a large import); and wait
    for the one writer at a time rather than fail at once."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()


def wants_json() -> bool:
    return request.path.startswith("/api/")
