"""Backups that restore: `lianfang backup DIR` and `lianfang restore DIR` (services.py)."""
