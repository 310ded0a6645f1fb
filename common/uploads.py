"""Uploaded files are typed by their content, never by their name."""

import zipfile

SIGNATURES = [
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
]
EXTENSIONS = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/gif": "gif",
    "image/webp": "webp",
}

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
ODP = "application/vnd.oasis.opendocument.presentation"
OFFICE_EXTENSIONS = {DOCX: "docx", XLSX: "xlsx", PPTX: "pptx", ODT: "odt", ODS: "ods", ODP: "odp"}
# Office Open XML: the folder that holds the document's main part.
_OOXML_PARTS = {"word/": DOCX, "xl/": XLSX, "ppt/": PPTX}


def sniff_content_type(upload):
    """The file's type read from its first bytes; None if it is not an image or a PDF."""
    head = upload.read(16)
    upload.seek(0)
    for signature, content_type in SIGNATURES:
        if head.startswith(signature):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def _office_type(upload):
    """A Word, Excel or PowerPoint file (Office Open XML) or an OpenDocument one, read from the
    ZIP archive's own parts; None for any other archive or a damaged one."""
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                declared = archive.read("mimetype").decode("ascii", "replace").strip()
                return declared if declared in (ODT, ODS, ODP) else None
            if "[Content_Types].xml" in names:
                for folder, content_type in _OOXML_PARTS.items():
                    if any(name.startswith(folder) for name in names):
                        return content_type
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        upload.seek(0)
    return None


def sniff_document_type(upload):
    """A PDF, an image or an Office document (Word, Excel, PowerPoint, OpenDocument), typed by
    its content; None for anything else (a renamed executable, an old binary .doc, a ZIP)."""
    if content_type := sniff_content_type(upload):
        return content_type
    head = upload.read(4)
    upload.seek(0)
    if head == b"PK\x03\x04":
        return _office_type(upload)
    return None


def extension_for(content_type):
    return EXTENSIONS.get(content_type) or OFFICE_EXTENSIONS.get(content_type)
