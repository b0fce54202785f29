"""/api/v1/files/: upload an evidence file, to attach to a record afterwards by its id.

A file uploaded here is served to nobody until a record (a case, a notice) takes it as its own;
only its uploader may attach it.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, parsers, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lianfang.core.api.errors import ErrorSerializer

from .models import FileKind, StoredFile
from .services import file_store


class StoredFileSerializer(serializers.ModelSerializer[StoredFile]):
    id = serializers.UUIDField(source="public_id", read_only=True)
    name = serializers.CharField(source="original_name", read_only=True)
    kind = serializers.ChoiceField(choices=FileKind.choices, read_only=True)

    class Meta:
        model = StoredFile
        fields = ["id", "name", "kind", "content_type", "size", "sha256", "created_at"]
        read_only_fields = fields


class FileUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="JPEG, PNG or WebP photo (location metadata is removed), PDF, .docx or .xlsx; "
        "at most LIANFANG_UPLOAD_MAX_BYTES (10 MB by default)."
    )


class FileUploadView(APIView):
    """Upload one file (multipart, field `file`). Photos are stored without their EXIF/GPS data."""

    parser_classes = [parsers.MultiPartParser]
    audit_name = "files"

    @extend_schema(
        request={"multipart/form-data": FileUploadSerializer},
        responses={201: StoredFileSerializer, 400: ErrorSerializer, 403: ErrorSerializer},
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        upload = request.FILES.get("file")
        if upload is None:
            raise exceptions.ValidationError({"file": [str(serializers.Field.default_error_messages["required"])]})
        stored = file_store(actor=request.user, upload=upload)
        return Response(StoredFileSerializer(stored).data, status=status.HTTP_201_CREATED)
