"""The meeting a request names, as the principal may see it or manage it (pages and API)."""

from meetings.access.guards import current_principal, require, visible_or_404
from meetings.access.policies import can_manage_body, can_view_meeting
from meetings.schedule.models import Meeting
from meetings.schedule.services import get_meeting


def visible_meeting(meeting_id: int) -> Meeting:
    """The meeting, or 404 when it does not exist or the principal may not see it."""
    return visible_or_404(get_meeting(meeting_id), can_view_meeting)


def managed_meeting(meeting_id: int, doing: str = "") -> Meeting:
    """The meeting, if the principal sees it (else 404) and manages its body (else 403)."""
    meeting = visible_meeting(meeting_id)
    reason = f"Only the secretariat or managers of {meeting.body.short_name}"
    reason += f" {doing}." if doing else "."
    require(can_manage_body(current_principal(), meeting.body), reason, meeting)
    return meeting
