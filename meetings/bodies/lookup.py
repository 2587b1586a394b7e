"""The body a request names, as the principal may see it or manage it (pages and API)."""

from meetings.access.guards import current_principal, require, visible_or_404
from meetings.access.policies import can_manage_body, can_view_body
from meetings.bodies.models import Body
from meetings.bodies.services import get_body


def visible_body(slug: str) -> Body:
    """The body, or 404 when it does not exist or the principal may not see it."""
    return visible_or_404(get_body(slug), can_view_body)


def managed_body_or_refuse(slug: str, doing: str = "may do this") -> Body:
    """The body, if the principal sees it (else 404) and manages it (else 403)."""
    body = visible_body(slug)
    reason = f"Only the secretariat or managers of {body.short_name} {doing}."
    require(can_manage_body(current_principal(), body), reason, body)
    return body
