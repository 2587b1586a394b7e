"""Notifications: reminders planned ahead, notices of changes, each person's preferences.

A kind (kinds.py) says how a notification reads and whether it still applies; the planner
(planner.py) keeps future reminders as rows under unique keys; the sweep (dispatch.py)
writes the due ones into the mail outbox (meetings.mail), which Celery workers send.
"""
