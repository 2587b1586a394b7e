"""Pages: a document with its history, forms to add, change, adopt and delete documents,
uploads of files by language and revision, and downloads."""

from flask import Blueprint

bp = Blueprint("documents", __name__)
