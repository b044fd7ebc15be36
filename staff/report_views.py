from django.http import Http404


def evaluator_report(request, *args, **kwargs):  # placeholder until the page is built
    raise Http404("Not built yet.")


def evaluator_report_csv(request, *args, **kwargs):  # placeholder until the page is built
    raise Http404("Not built yet.")
