"""The seed history: mechanisms, bodies and meetings of the seed documents."""
