"""Refuse text holding NUL characters, and form parts without a name, before any view reads
them.

PostgreSQL cannot store or even compare a string with a NUL character (it raises instead of
answering), and no person types one: a request carrying one in its address, query, form or
JSON is answered 400 naming where it was, on every page and API alike. A multipart part whose
Content-Disposition gives no readable name has no field to go to (werkzeug files it under
None, which no form or schema can name back): it is a 400 too.
"""

from flask import Flask, abort, request

NUL = "\x00"


def _where_nul() -> str | None:
    if NUL in request.path:
        return "the address"
    for source, values in (("query", request.args), ("form", request.form)):
        for key, value in values.items(multi=True):
            if NUL in key or NUL in value:
                return f"{source} field {key.replace(NUL, '')!r}"
    if request.is_json and b"\\u0000" in request.get_data(cache=True):
        return "the JSON body"
    return None


def _refuse_bad_input():
    if None in request.form or None in request.files:
        abort(400, description="Each part of a form needs a name (Content-Disposition).")
    where = _where_nul()
    if where:
        abort(400, description=f"NUL characters are not allowed ({where}).")


def init_app(app: Flask) -> None:
    app.before_request(_refuse_bad_input)
