from django.http import Http404


def rules(request, *args, **kwargs):  # placeholder until the page is built
    raise Http404("Not built yet.")


def rules_new(request, *args, **kwargs):  # placeholder until the page is built
    raise Http404("Not built yet.")
