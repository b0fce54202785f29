"""Protection of personal data at rest and on screen: ciphers, blind indexes and masks."""
