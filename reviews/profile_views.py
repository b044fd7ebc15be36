from django.http import Http404


def profile(request, *args, **kwargs):  # placeholder until the page is built
    raise Http404("Not built yet.")


def availability(request, *args, **kwargs):  # placeholder until the page is built
    raise Http404("Not built yet.")


def conflict_add(request, *args, **kwargs):  # placeholder until the page is built
    raise Http404("Not built yet.")


def conflict_remove(request, *args, **kwargs):  # placeholder until the page is built
    raise Http404("Not built yet.")
