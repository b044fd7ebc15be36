from django.http import Http404


def verify(request, *args, **kwargs):  # placeholder until the page is built
    raise Http404("Not built yet.")


def verify_code(request, *args, **kwargs):  # placeholder until the page is built
    raise Http404("Not built yet.")
