"""ISO 3166-1 countries, named as intergovernmental documents name them."""

from functools import cache

import pycountry


def _conventional(name: str) -> str:
    # pycountry inverts some names ("Korea, Republic of"); documents write "Republic of Korea".
    if ", " in name:
        head, tail = name.split(", ", 1)
        return f"{tail} {head}"
    return name


@cache
def country_names() -> dict[str, str]:
    """Alpha-2 code -> conventional English name, for every ISO 3166-1 country."""
    return {c.alpha_2: _conventional(c.name) for c in pycountry.countries}


def is_country(code: str | None) -> bool:
    return bool(code) and code.upper() in country_names()


def country_name(code: str | None) -> str:
    return country_names().get((code or "").upper(), code or "")


def parse_country_codes(text: str) -> tuple[list[str], list[str]]:
    """Split "BN, KH id" into sorted known codes and the unknown ones, in input order."""
    tokens = [t.strip().upper() for t in text.replace(",", " ").split() if t.strip()]
    known = sorted({t for t in tokens if is_country(t)})
    unknown = [t for t in tokens if not is_country(t)]
    return known, unknown
