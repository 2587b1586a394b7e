"""Words as search sees them, made here once for both databases.

Text is folded (NFKC, case-folded, accents removed) and cut into runs of letters and digits;
each Chinese, Japanese or Korean character is a word of its own, since those scripts do not
separate words by spaces. The index stores the words joined by spaces, and a query is cut
the same way, so that SQLite's FTS5 and PostgreSQL's 'simple' configuration, which only
split on the spaces, see exactly the same tokens and find the same things.

Where the two databases would still cut a word differently, it is cut here first:
- numbers that are not digits (fractions, "Tamil ten") end a word: PostgreSQL's parser
  takes them for punctuation, FTS5 for letters;
- a few letters that Unicode 6.1 (FTS5's tables) called marks end a word too;
- "1e6d" is "1e6" and "d": PostgreSQL's parser reads a number with an exponent first;
- a word is at most MAX_WORD_CHARS long: PostgreSQL ignores words over 2047 bytes;
- an entry keeps each word once, within MAX_TERMS_BYTES: PostgreSQL refuses a tsvector over
  1 MB (a PDF of statistical tables has hundreds of thousands of distinct numbers).
"""

import re
import unicodedata

MAX_TERMS_CHARS = 2_000_000  # of a file's text read for search (documents/text.py)
MAX_TERMS_BYTES = 1_000_000  # of an entry's distinct words, with PostgreSQL's bookkeeping
WORD_OVERHEAD = 9  # bytes PostgreSQL adds per distinct word (entry, alignment, position)
MAX_WORD_CHARS = 255  # 1,020 bytes at most in UTF-8
MAX_QUERY_WORDS = 12

# Han, Hiragana, Katakana and Hangul syllables: one letter, one word.
_CJK = (
    "\u3040-\u30ff"  # Hiragana, Katakana
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # Han
    "\uac00-\ud7af"  # Hangul syllables
)
_OLD_MARKS = "\u19b0-\u19c0\u19c8\u19c9\u1cf2\u1cf3"  # New Tai Lue vowels, Vedic signs
# Numbers that are not digits; all of them lie in the first four planes.
_OTHER_NUMBERS = "".join(c for c in map(chr, range(0x40000)) if unicodedata.category(c) == "No")
_NOT_IN_WORDS = f"_{_CJK}{_OLD_MARKS}{_OTHER_NUMBERS}"
_WORD = re.compile(
    rf"[0-9]+e[0-9]+(?=[^\W{_NOT_IN_WORDS}])"  # "1e6" of "1e6d", as PostgreSQL reads it
    rf"|(?=[{_CJK}])[^\W_]"  # one CJK letter (not the punctuation of those blocks: ・)
    rf"|[^\W{_NOT_IN_WORDS}]+"
)


def fold(text: str) -> str:
    """Case-folded, compatibility-normalised text with combining marks removed."""
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", stripped)  # Hangul syllables composed again


def words(text: str) -> list[str]:
    return [w[:MAX_WORD_CHARS] for w in _WORD.findall(fold(text))]


def terms(*parts: str) -> str:
    """The distinct words of the parts, joined by single spaces, within MAX_TERMS_BYTES."""
    kept: dict[str, None] = {}
    size = 0
    for part in parts:
        for word in words(part) if part else ():
            if word in kept:
                continue
            size += len(word.encode()) + WORD_OVERHEAD
            if size > MAX_TERMS_BYTES:
                return " ".join(kept)
            kept[word] = None
    return " ".join(kept)


def query_words(text: str) -> list[str]:
    """The distinct words of a query, in order, at most MAX_QUERY_WORDS."""
    seen: dict[str, None] = {}
    for word in words(text):
        seen.setdefault(word, None)
    return list(seen)[:MAX_QUERY_WORDS]
