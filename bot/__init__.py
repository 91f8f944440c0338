"""Sổ Khỏe: the core (pure domain) and the assembly (config, app, channels, command line)."""
