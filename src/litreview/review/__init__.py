"""The review's data, computed from the sources: the corpus table's rows and the timeline's events."""
