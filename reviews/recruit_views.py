from django.http import Http404


def join(request, *args, **kwargs):  # placeholder until the page is built
    raise Http404("Not built yet.")


def apply(request, *args, **kwargs):  # placeholder until the page is built
    raise Http404("Not built yet.")
