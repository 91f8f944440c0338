"""The pure domain: records and decisions, no I/O; imports nothing else of the project."""
