"""The person a read or a write is for, as views hand them over."""

from django.contrib.auth.models import AnonymousUser

from accounts.models import User

# `request.user`: a signed-in user, or the anonymous visitor.
AnyUser = User | AnonymousUser
