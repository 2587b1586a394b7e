"""Bodies: the recurring meeting series of a mechanism, their cadence and numbering."""
