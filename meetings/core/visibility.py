"""Who may see a mechanism, body, meeting or session: each level it sets is a gate."""

from enum import StrEnum


class Visibility(StrEnum):
    """A thing's own protection; NULL in the database means "as its parent"."""

    PUBLIC = "public"
    MEMBERS = "members"  # anyone holding a role in the mechanism
    PARTICIPANTS = "participants"  # the meeting's participants (meetings and sessions only)
    SECRETARIAT = "secretariat"  # the mechanism's secretariat and the body's managers


VISIBILITY_LABELS = {
    Visibility.PUBLIC: "Public",
    Visibility.MEMBERS: "Members of the mechanism",
    Visibility.PARTICIPANTS: "Participants of the meeting",
    Visibility.SECRETARIAT: "Secretariat only",
}


def clean_visibility(value, meeting_level: bool) -> tuple[Visibility | None, str | None]:
    """The visibility a form or API gave ("" means as the parent), or an error message."""
    if value in (None, ""):
        return None, None
    try:
        level = Visibility(value)
    except ValueError:
        level = None
    if level is None or (level is Visibility.PARTICIPANTS and not meeting_level):
        allowed = [v.value for v in Visibility if meeting_level or v is not Visibility.PARTICIPANTS]
        return None, f"Choose one of: {', '.join(allowed)} (or leave empty to inherit)."
    return level, None
