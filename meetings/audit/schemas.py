"""JSON shapes of audit log entries and the log's query arguments."""

import marshmallow as ma

from meetings.audit.models import AuditAction
from meetings.audit.services import ENTITY_TYPES
from meetings.core.api import PageQuerySchema, page_schema


class AuditEntrySchema(ma.Schema):
    id = ma.fields.Integer()
    at = ma.fields.AwareDateTime(metadata={"description": "UTC"})
    actor_id = ma.fields.Integer(
        allow_none=True, metadata={"description": "The account, if it still exists."}
    )
    actor = ma.fields.String(metadata={"description": "Email address at the time, or system."})
    channel = ma.fields.String(metadata={"description": "web, api or cli."})
    address = ma.fields.String(metadata={"description": "Network address of the request."})
    action = ma.fields.Enum(AuditAction, by_value=True)
    entity_type = ma.fields.String(metadata={"description": "The kind of thing: meeting, body…"})
    entity_id = ma.fields.Integer(allow_none=True)
    entity_label = ma.fields.String(metadata={"description": "Its name at the time."})
    mechanism_id = ma.fields.Integer(
        allow_none=True, metadata={"description": "Whose log: None for accounts and tokens."}
    )
    changes = ma.fields.Dict(
        metadata={
            "description": '{field: [old, new]}; secrets as ["(secret)", "(changed)"]. '
            'For a refused write: {"reason": ..., "request": "POST /..."}.'
        }
    )


AuditPageSchema = page_schema(AuditEntrySchema, "AuditPage")


class AuditQuerySchema(PageQuerySchema):
    mechanism = ma.fields.String(
        metadata={"description": "Mechanism slug or id; without it, the whole log (admins)."}
    )
    action = ma.fields.Enum(AuditAction, by_value=True)
    entity_type = ma.fields.String(validate=ma.validate.OneOf(sorted(ENTITY_TYPES)))
