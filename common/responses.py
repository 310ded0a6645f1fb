from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from storages.backends.s3 import S3Storage


def file_response(filename, content_type, content, *, inline=False):
    """Wrap a ``(filename, content_type, bytes)`` triple from a ``reports``/``exports`` module."""
    response = HttpResponse(content, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


def stored_file_response(field_file, *, filename, content_type, as_attachment=True):
    """An uploaded file with its checked type and download name, once the view has allowed it.

    From the local disk, the file is streamed (404 if it is gone). From a bucket, the browser is
    sent to the bucket rather than a web worker carrying the bytes: for a private file, to an
    address signed for a few minutes that makes the bucket answer with this type and name; for
    a public one, to its plain address (it was stored with its type and as an attachment).
    """
    storage = field_file.storage
    if isinstance(storage, S3Storage):
        if not storage.querystring_auth:
            return HttpResponseRedirect(field_file.url)
        url = storage.url(
            field_file.name,
            parameters={
                "ResponseContentType": content_type,
                "ResponseContentDisposition": content_disposition_header(as_attachment, filename),
            },
        )
        response = HttpResponseRedirect(url)
        # The address stops working within minutes and is this user's: never keep the redirect.
        patch_cache_control(response, private=True, no_store=True)
        return response
    try:
        handle = field_file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    return FileResponse(
        handle, as_attachment=as_attachment, filename=filename, content_type=content_type
    )
