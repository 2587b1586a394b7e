"""Pages: the participants of a meeting, for the staff of its body."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for

from meetings.core.forms import ConfirmForm
from meetings.core.forms_flow import save_form
from meetings.extensions import db
from meetings.participants import services
from meetings.participants.forms import ParticipantForm
from meetings.schedule.lookup import managed_meeting

bp = Blueprint("participants", __name__)


@bp.route("/meetings/<int:meeting_id>/participants", methods=["GET", "POST"])
def meeting_participants(meeting_id: int):
    meeting = managed_meeting(meeting_id, "list participants")
    form = ParticipantForm()
    added = save_form(form, lambda values: services.add_participant(meeting, values["email"]))
    if added:
        flash(f"{added.user.email} added.", "success")
        return redirect(url_for(".meeting_participants", meeting_id=meeting.id))
    return render_template(
        "participants/meeting_participants.html",
        meeting=meeting,
        participants=services.list_participants(meeting),
        form=form,
        remove_form=ConfirmForm(),
    )


@bp.post("/participants/<int:participant_id>/remove")
def remove(participant_id: int):
    participant = services.get_participant(participant_id)
    if participant is None:
        abort(404)
    meeting = managed_meeting(participant.meeting_id, "list participants")
    if not ConfirmForm().validate_on_submit():
        abort(400)
    email = participant.user.email
    services.remove_participant(participant)
    db.session.commit()
    flash(f"{email} removed.", "success")
    return redirect(url_for(".meeting_participants", meeting_id=meeting.id))
