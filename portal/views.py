from django.shortcuts import render

from partners.selectors import tables_for_home


def home(request):
    return render(request, "portal/home.html", {"tables": tables_for_home()})
