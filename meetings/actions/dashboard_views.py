"""Dashboards of follow-up actions per body, per mechanism and across mechanisms, with
CSV and XLSX exports."""

from flask import Blueprint

bp = Blueprint("action_dashboards", __name__)
