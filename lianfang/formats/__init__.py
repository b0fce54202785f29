"""Date and number formats that differ from Django's own (settings.FORMAT_MODULE_PATH)."""
