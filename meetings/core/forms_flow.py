"""The one way a page saves a form: validate, call a service, commit, or show the errors."""

from collections.abc import Callable
from typing import Any

from flask_wtf import FlaskForm

from meetings.core.forms import form_values, show_errors
from meetings.core.validation import DomainValidationError
from meetings.extensions import db


def save_form(form: FlaskForm, action: Callable[[dict[str, Any]], Any]) -> Any:
    """Return the service's result once committed, or None with errors on the form.

    Nothing the user typed is lost: on any error the form is shown again with its input.
    """
    if not form.validate_on_submit():
        return None
    try:
        result = action(form_values(form))
        db.session.commit()
    except DomainValidationError as exc:
        db.session.rollback()
        show_errors(form, exc.errors)
        return None
    return result
