"""Random secrets for links and tokens, kept in the database only as SHA-256 digests."""

import hashlib
import secrets


def new_secret(prefix: str = "") -> str:
    """A URL-safe secret of 256 bits, optionally prefixed so that scanners can spot it."""
    return prefix + secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()
