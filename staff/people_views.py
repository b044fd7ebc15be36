from django.http import Http404


def search(request, *args, **kwargs):  # placeholder until the page is built
    raise Http404("Not built yet.")


def person(request, *args, **kwargs):  # placeholder until the page is built
    raise Http404("Not built yet.")
