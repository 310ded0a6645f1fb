from django.http import FileResponse, Http404, HttpResponse


def file_response(filename, content_type, content, *, inline=False):
    """Wrap a ``(filename, content_type, bytes)`` triple from a ``reports``/``exports`` module."""
    response = HttpResponse(content, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


def stored_file_response(field_file, *, filename, content_type, as_attachment=True):
    """Stream an uploaded file with its checked type and a download name; 404 if it is gone."""
    try:
        handle = field_file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    return FileResponse(
        handle, as_attachment=as_attachment, filename=filename, content_type=content_type
    )
