"""Meetings of bodies and the sessions of each meeting."""
