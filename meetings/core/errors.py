"""Error responses: JSON under /api/, pages elsewhere; never a bare 500 trace."""

from flask import Flask, current_app, render_template
from werkzeug.exceptions import Forbidden, HTTPException, InternalServerError

from meetings.extensions import api, db, wants_json


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected_error)


def _http_error(error: HTTPException):
    if wants_json():
        return api.json_error(error)
    template = f"errors/{error.code}.html" if error.code in (400, 403, 404, 405, 413) else None
    page = render_template(
        template or "errors/generic.html",
        error=error,
        default_forbidden=Forbidden.description,
        # A description other than the class's own was written for this case: it says why.
        own_description=error.description if error.description != type(error).description else None,
    )
    return page, error.code


def _unexpected_error(error: Exception):
    db.session.rollback()
    if isinstance(error, HTTPException):
        return _http_error(error)
    current_app.logger.exception("Unhandled error")
    return _http_error(InternalServerError())
