"""The one error type services raise for bad input, naming each field at fault."""


class DomainValidationError(Exception):
    """Bad input, as a mapping of field name to messages; nothing has been saved."""

    def __init__(self, errors: dict[str, list[str] | str]):
        self.errors = {k: [v] if isinstance(v, str) else list(v) for k, v in errors.items()}
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in self.errors.items()))


def require(errors: dict[str, list[str]], field: str, ok: bool, message: str) -> None:
    """Add a message for a field when a rule is not met."""
    if not ok:
        errors.setdefault(field, []).append(message)


def raise_if(errors: dict[str, list[str]]) -> None:
    if errors:
        raise DomainValidationError(errors)


def parse_choice(enum_cls, value):
    """The enum member for a value, or None for a value that is not one of its choices."""
    try:
        return enum_cls(value)
    except ValueError:
        return None


# Cleaning the loose values that forms and JSON bring (services of documents and actions).


def stripped(value) -> str:
    """The text without surrounding blanks; anything not text is empty."""
    return value.strip() if isinstance(value, str) else ""


def whole_number_or_invalid(value) -> int | str | None:
    """An int, None when empty, or the string "invalid" for anything else."""
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return "invalid"


def related_record(errors: dict, field: str, fields: dict, model, noun: str):
    """The record `fields[field]` names by id, None when empty; "No such <noun>." otherwise."""
    from meetings.extensions import db

    value = whole_number_or_invalid(fields.get(field))
    if value is None:
        return None
    found = db.session.get(model, value) if isinstance(value, int) else None
    require(errors, field, found is not None, f"No such {noun}.")
    return found
