"""One adapter per messenger: neutral events in, neutral replies out."""
