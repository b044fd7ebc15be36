from django.http import Http404


def detail(request, *args, **kwargs):  # placeholder until the page is built
    raise Http404("Not built yet.")


def pdf(request, *args, **kwargs):  # placeholder until the page is built
    raise Http404("Not built yet.")
