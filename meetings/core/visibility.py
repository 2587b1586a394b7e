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
