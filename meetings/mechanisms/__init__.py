"""Cooperation mechanisms: member states, secretariat, programme areas."""
