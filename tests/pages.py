"""Reading pages as a person does: the error messages shown under fields."""

import html
import re


def field_errors(page: str) -> list[str]:
    """The messages listed under form fields, in page order, as the reader sees them."""
    blocks = re.findall(r'<ul class="errors"[^>]*>(.*?)</ul>', page, re.S)
    items = [li for block in blocks for li in re.findall(r"<li>(.*?)</li>", block, re.S)]
    return [html.unescape(re.sub(r"\s+", " ", li)).strip() for li in items]
