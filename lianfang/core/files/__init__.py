"""Evidence files (photos, PDF, Word, Excel) for cases and notices.

- `services.validate_upload(upload)`: check an upload before anything is saved (forms, serializers).
- `services.file_store(actor=..., upload=...)`: store it (random name under MEDIA_ROOT), audited.
- `serving.file_response(stored_file)`: serve it — only after the owning record's own access check.
"""
