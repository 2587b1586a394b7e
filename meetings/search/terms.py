"""Words as search sees them, made here once for both databases.

Text is folded (NFKC, case-folded, accents removed) and cut into runs of letters and digits;
each Chinese, Japanese or Korean character is a word of its own, since those scripts do not
separate words by spaces. The index stores the words joined by spaces, and a query is cut
the same way, so that SQLite's FTS5 and PostgreSQL's 'simple' configuration, which only
split on the spaces, see exactly the same tokens and find the same things.
"""

import re
import unicodedata

MAX_TERMS_CHARS = 2_000_000  # of one entry's words: a 500-page PDF, not a novel series
MAX_QUERY_WORDS = 12

# Han, Hiragana, Katakana and Hangul syllables: one character, one word.
_CJK = (
    "\u3040-\u30ff"  # Hiragana, Katakana
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # Han
    "\uac00-\ud7af"  # Hangul syllables
)
_WORD = re.compile(rf"[{_CJK}]|[^\W_{_CJK}]+")


def fold(text: str) -> str:
    """Case-folded, compatibility-normalised text with combining marks removed."""
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def terms(*parts: str) -> str:
    """The words of the parts, joined by single spaces, cut at MAX_TERMS_CHARS."""
    joined = " ".join(w for part in parts if part for w in words(part))
    if len(joined) > MAX_TERMS_CHARS:
        joined = joined[:MAX_TERMS_CHARS].rsplit(" ", 1)[0]
    return joined


def query_words(text: str) -> list[str]:
    """The distinct words of a query, in order, at most MAX_QUERY_WORDS."""
    seen: dict[str, None] = {}
    for word in words(text):
        seen.setdefault(word, None)
    return list(seen)[:MAX_QUERY_WORDS]
