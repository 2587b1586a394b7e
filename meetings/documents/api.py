"""/api/v1/documents: list, read, create, change and delete documents; upload and download
their files."""

from flask_smorest import Blueprint

blp = Blueprint(
    "documents_api",
    __name__,
    url_prefix="/api/v1/documents",
    description="Documents of meetings and bodies, with their files by language and revision.",
)
