"""Pages: a body's follow-up actions, one action with its history, forms to create and change
actions, post progress and record a meeting's review."""

from flask import Blueprint

bp = Blueprint("actions", __name__)
