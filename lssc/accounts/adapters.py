from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.auth import get_user_model
from django.contrib.sites.shortcuts import get_current_site

from lssc.core.mail import queue_rendered_email


class AccountAdapter(DefaultAccountAdapter):
    """allauth, with its emails logged and sent by our mail queue like every other email."""

    def send_mail(self, template_prefix, email, context):
        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request)}
        ctx.update(context)
        message = self.render_mail(template_prefix, email, ctx)
        html = ""
        for content, mimetype in getattr(message, "alternatives", []):
            if mimetype == "text/html":
                html = content
        if message.content_subtype == "html":
            html, text = message.body, ""
        else:
            text = message.body
        recipient = get_user_model().objects.filter(email__iexact=email).first()
        queue_rendered_email(
            to_email=email,
            kind=template_prefix,
            subject=message.subject,
            body_text=text,
            body_html=html,
            recipient=recipient,
        )
