"""Configs: YAML -> dict (extends, --set) -> validated Spec; the labels and units registry; the
JSON schema of config files."""
