"""Attachment uploads: type checked by content and extension, size-limited, stored privately,
downloaded only through a view that has already checked the reader's right."""

from __future__ import annotations

import zipfile

from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.utils.translation import gettext as _

MAX_BYTES = 10 * 1024 * 1024

# extension → (content type, predicate on the first bytes / the file)
PDF, PNG, JPEG, GIF = b"%PDF-", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", (b"GIF87a", b"GIF89a")
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc/.xls/.ppt
OOXML_PARTS = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}
TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "ppt": "application/vnd.ms-powerpoint",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
ALLOWED_LABEL = "PDF、Word、Excel、PowerPoint、PNG、JPG、GIF"


def _content_matches(ext: str, upload) -> bool:
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if ext == "pdf":
        return head.startswith(PDF)
    if ext == "png":
        return head.startswith(PNG)
    if ext in ("jpg", "jpeg"):
        return head.startswith(JPEG)
    if ext == "gif":
        return head.startswith(GIF)
    if ext in ("doc", "xls", "ppt"):
        return head.startswith(OLE)
    if ext in OOXML_PARTS:
        if not head.startswith(b"PK\x03\x04"):
            return False
        try:
            with zipfile.ZipFile(upload) as archive:
                names = archive.namelist()
        except zipfile.BadZipFile:
            return False
        finally:
            upload.seek(0)
        return "[Content_Types].xml" in names and any(n.startswith(OOXML_PARTS[ext]) for n in names)
    return False


def validate_upload(upload) -> str:
    """Return the content type to store, or raise a ValidationError in Chinese."""
    name = upload.name or ""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if upload.size > MAX_BYTES:
        raise ValidationError(
            _("文件“%(name)s”超过 10 MB，不能上传。") % {"name": name}, code="too_large"
        )
    if ext not in TYPES:
        raise ValidationError(
            _("文件“%(name)s”的类型不支持，仅支持 %(types)s。")
            % {"name": name, "types": ALLOWED_LABEL},
            code="bad_type",
        )
    if not _content_matches(ext, upload):
        raise ValidationError(
            _("文件“%(name)s”的内容与扩展名不符，已拒绝。") % {"name": name}, code="bad_content"
        )
    return TYPES[ext]


def download(attachment) -> FileResponse:
    """Serve an attachment as a download (never inline: no content sniffing, no XSS)."""
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
