"""Sent inside the transaction of the change: a document left draft, or was adopted."""

from blinker import Namespace

_signals = Namespace()
document_published = _signals.signal("document-published")
document_adopted = _signals.signal("document-adopted")
