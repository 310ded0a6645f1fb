from django.shortcuts import get_object_or_404, render

from events.models import Event


def event_list(request):
    events = Event.objects.public().upcoming().select_related("table", "municipality")
    return render(request, "events/event_list.html", {"events": events})


def event_detail(request, slug):
    event = get_object_or_404(
        Event.objects.public().select_related("table", "municipality", "series"), slug=slug
    )
    return render(request, "events/event_detail.html", {"event": event})
