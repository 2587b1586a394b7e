"""Calendar feeds (iCalendar) of mechanisms, bodies, meetings and each person's own."""
