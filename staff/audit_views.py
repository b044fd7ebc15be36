from django.http import Http404


def audit(request, *args, **kwargs):  # placeholder until the page is built
    raise Http404("Not built yet.")
