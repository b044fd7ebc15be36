from django.http import Http404


def report_index(request, *args, **kwargs):  # placeholder until the page is built
    raise Http404("Not built yet.")


def report(request, *args, **kwargs):  # placeholder until the page is built
    raise Http404("Not built yet.")


def report_csv(request, *args, **kwargs):  # placeholder until the page is built
    raise Http404("Not built yet.")
