"""The search page: documents and meetings by words and filters."""

from flask import Blueprint

bp = Blueprint("search", __name__)
