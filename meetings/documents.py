"""A meeting's documents: typed by their content (PDF, images, Office documents), at most
10 MB, kept private (never under a public address) and served after the rule book's check."""

import os

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from common.responses import stored_file_response
from common.uploads import sniff_document_type

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024


def check_document(upload):
    """The upload's checked type, or ``ValidationError`` saying what is wrong with it."""
    if upload.size > MAX_DOCUMENT_BYTES:
        raise ValidationError(_("« %(name)s » dépasse 10 Mo.") % {"name": upload.name})
    content_type = sniff_document_type(upload)
    if content_type is None:
        raise ValidationError(
            _(
                "« %(name)s » n'est ni un PDF, ni une image, ni un document Word, Excel, "
                "PowerPoint ou OpenDocument (type vérifié sur le contenu)."
            )
            % {"name": upload.name}
        )
    return content_type


def stored_document_response(document):
    """The stored file with the type read from its content (never the name's)."""
    with document.file.open("rb") as handle:
        content_type = sniff_document_type(handle) or "application/octet-stream"
    return stored_file_response(
        document.file,
        filename=os.path.basename(document.file.name),
        content_type=content_type,
        as_attachment=not content_type.startswith("image/"),
    )
