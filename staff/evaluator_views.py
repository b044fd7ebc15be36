from django.http import Http404


def evaluator_list(request, *args, **kwargs):  # placeholder until the page is built
    raise Http404("Not built yet.")


def evaluator_detail(request, *args, **kwargs):  # placeholder until the page is built
    raise Http404("Not built yet.")


def evaluator_resume(request, *args, **kwargs):  # placeholder until the page is built
    raise Http404("Not built yet.")


def evaluator_approve(request, *args, **kwargs):  # placeholder until the page is built
    raise Http404("Not built yet.")


def evaluator_decline(request, *args, **kwargs):  # placeholder until the page is built
    raise Http404("Not built yet.")
