from django import template

register = template.Library()


@register.inclusion_tag("includes/breadcrumbs.html")
def breadcrumbs(*parts):
    """`{% breadcrumbs "Home" home_url "Competency sets" list_url set.name %}`: label and URL
    pairs for the parent pages, then the label of the current page."""
    *parents, current = parts
    if len(parents) % 2:
        raise template.TemplateSyntaxError("breadcrumbs takes label/url pairs, then one label.")
    return {"parents": list(zip(parents[::2], parents[1::2], strict=True)), "current": current}
