"""Shared pieces: column types and mixins, dates, time zones, countries, errors."""
