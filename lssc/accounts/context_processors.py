from django.conf import settings

from lssc.accounts.roles import roles_of


def site(request):
    """Values every page needs: the roles of the signed-in user (for navigation)."""
    return {
        "roles": roles_of(request.user),
        "contact_email": settings.PROGRAM_CONTACT_EMAIL,
    }
