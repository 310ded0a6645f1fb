from django.http import Http404
from django.shortcuts import render

from partners.models import Table
from partners.selectors import table_for_page


def table_detail(request, slug):
    try:
        table = table_for_page(slug)
    except Table.DoesNotExist as error:
        raise Http404 from error
    return render(request, "partners/table_detail.html", {"table": table})
