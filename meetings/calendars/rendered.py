"""Feeds already rendered, kept in the web process by the feed and its validator.

A feed's validator (loading.public_validator, loading.personal_validator) changes whenever
the feed may have: so the bytes rendered under one ETag answer every later request for the
same feed under the same ETag, from any reader, until the validator moves on. One entry is
kept per feed (a new ETag replaces the old bytes), the least recently used go first when the
bytes kept pass FEED_CACHE_MB, and none is kept longer than the feed's Cache-Control allows
any cache to keep it (KEEP), which also bounds the one known gap of the validator (two
transactions of one mechanism committing in the reverse order of their audit entries).

Each process keeps its own: nothing to configure or to run beside the web server.
"""

import time
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import timedelta
from threading import Lock

from cachetools import TTLCache
from flask import current_app

# As long as the feed's Cache-Control (max-age=600) lets any cache keep it.
KEEP = timedelta(minutes=10)
EXTENSION = "rendered_feeds"


@dataclass(frozen=True, slots=True)
class Rendered:
    etag: str
    body: bytes


class RenderedFeeds:
    """Rendered feeds by feed key: thread-safe, bounded in bytes and in age."""

    def __init__(self, max_bytes: int, keep: timedelta = KEEP) -> None:
        self._lock = Lock()
        self._max_bytes = max_bytes
        self._entries: TTLCache[Hashable, Rendered] = TTLCache(
            maxsize=max(max_bytes, 1),
            ttl=keep.total_seconds(),
            # The wall clock: a jump of it only makes an entry go early or late.
            timer=time.time,
            getsizeof=lambda rendered: len(rendered.body),
        )

    def get(self, key: Hashable, etag: str) -> bytes | None:
        with self._lock:
            rendered = self._entries.get(key)
        return rendered.body if rendered is not None and rendered.etag == etag else None

    def put(self, key: Hashable, etag: str, body: bytes) -> None:
        """Keep the bytes, unless they alone are more than the whole allowance."""
        if len(body) > self._max_bytes:
            return
        with self._lock:
            self._entries[key] = Rendered(etag, body)

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)


def rendered_feeds() -> RenderedFeeds:
    """This application's rendered feeds (FEED_CACHE_MB; 0 keeps none)."""
    feeds = current_app.extensions.get(EXTENSION)
    if feeds is None:
        max_bytes = current_app.config["FEED_CACHE_MB"] * 1024 * 1024
        feeds = current_app.extensions.setdefault(EXTENSION, RenderedFeeds(max_bytes))
    return feeds
