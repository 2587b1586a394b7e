"""The rendered feeds a web process keeps: by feed, under one validator, within a budget."""

from meetings.calendars.rendered import RenderedFeeds


def test_bytes_are_given_back_only_under_the_validator_they_were_rendered_under():
    kept = RenderedFeeds(max_bytes=1000)
    kept.put(("public", "bodies", "som"), "etag-1", b"BEGIN:VCALENDAR")
    assert kept.get(("public", "bodies", "som"), "etag-1") == b"BEGIN:VCALENDAR"
    assert kept.get(("public", "bodies", "som"), "etag-2") is None
    assert kept.get(("public", "bodies", "other"), "etag-1") is None


def test_a_new_validator_replaces_the_feeds_old_bytes():
    kept = RenderedFeeds(max_bytes=1000)
    kept.put("feed", "etag-1", b"old")
    kept.put("feed", "etag-2", b"new")
    assert (len(kept), kept.get("feed", "etag-1"), kept.get("feed", "etag-2")) == (1, None, b"new")


def test_the_least_recently_asked_feed_goes_first_when_the_budget_is_spent():
    kept = RenderedFeeds(max_bytes=300)
    kept.put("a", "e", b"a" * 100)
    kept.put("b", "e", b"b" * 100)
    kept.put("c", "e", b"c" * 100)
    kept.get("a", "e")  # asked again: b is now the oldest
    kept.put("d", "e", b"d" * 100)
    assert [key for key in "abcd" if kept.get(key, "e") is not None] == ["a", "c", "d"]


def test_a_feed_larger_than_the_budget_and_a_budget_of_zero_keep_nothing():
    kept = RenderedFeeds(max_bytes=10)
    kept.put("big", "e", b"x" * 11)
    none = RenderedFeeds(max_bytes=0)
    none.put("small", "e", b"x")
    assert (kept.get("big", "e"), none.get("small", "e"), len(none)) == (None, None, 0)
