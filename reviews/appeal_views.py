from django.http import Http404


def appeal_list(request, *args, **kwargs):  # placeholder until the page is built
    raise Http404("Not built yet.")


def appeal_new(request, *args, **kwargs):  # placeholder until the page is built
    raise Http404("Not built yet.")


def appeal_detail(request, *args, **kwargs):  # placeholder until the page is built
    raise Http404("Not built yet.")
