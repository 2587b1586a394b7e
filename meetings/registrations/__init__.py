"""Registration, nominations and the list of participants of each meeting."""
