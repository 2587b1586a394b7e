"""What the schedule tells other domains: a meeting or a session changed time, place or status.

Sent inside the transaction of the change, after the flush, with what changed as
(label, old, new) triples a person can read. Receivers (the participants' change notices)
write in the same transaction, so a change and its notices commit or roll back together.
"""

from blinker import Namespace

_signals = Namespace()

# sender: the Meeting; changes: list[tuple[str, str, str]]
meeting_rescheduled = _signals.signal("meeting-rescheduled")
# sender: the Session; changes: list[tuple[str, str, str]]
session_rescheduled = _signals.signal("session-rescheduled")
