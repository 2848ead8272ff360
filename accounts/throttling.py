def login_username(request, credentials: dict | None) -> str | None:
    """The account name django-axes counts failures against.

    allauth authenticates with `email=`; its login form posts the address as `login`.
    Lower-cased so `Alice@x` and `alice@x` share one counter.
    """
    value = None
    if credentials:
        value = credentials.get("email") or credentials.get("username")
    if not value and request is not None:
        value = request.POST.get("login") or request.POST.get("email")
    return value.strip().lower() if value else None
