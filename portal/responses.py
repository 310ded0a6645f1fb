from django.http import HttpResponse


def file_response(filename, content_type, content, *, inline=False):
    """Wrap a ``(filename, content_type, bytes)`` triple from a ``reports``/``exports`` module."""
    response = HttpResponse(content, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response
