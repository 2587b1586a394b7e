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
