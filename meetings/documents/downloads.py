"""Send a stored file (a document's revision, an action's attachment): safe headers, the
storage key as ETag (304 when the client has it), streamed a piece at a time."""

from collections.abc import Callable, Iterator
from typing import NoReturn

from flask import Response, current_app, request

from meetings.documents.storage import get_storage, safe_download_headers

CHUNK = 256 * 1024  # bytes of a file sent at a time


def stored_file_response(
    key: str,
    filename: str,
    media_type: str,
    size: int,
    cache_control: str,
    missing: Callable[[], NoReturn],
) -> Response:
    """The file's response; `missing` answers (and the error is logged) when storage lost it."""
    if request.if_none_match.contains_weak(key):
        response = Response(status=304)
    else:
        if not get_storage().exists(key):
            current_app.logger.error("The stored file %s (%s) is missing.", key, filename)
            missing()
        headers = safe_download_headers(filename, media_type)
        response = Response(_chunks(key), headers=headers, direct_passthrough=True)
        response.content_length = size
    response.set_etag(key)
    response.headers["Cache-Control"] = cache_control
    return response


def _chunks(key: str) -> Iterator[bytes]:
    """The stored file, a piece at a time; closed at its end or when the response is."""
    with get_storage().open(key) as handle:
        while chunk := handle.read(CHUNK):
            yield chunk
