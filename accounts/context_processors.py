from accounts.roles import Role, user_roles


def roles(request):
    held = user_roles(request.user) if hasattr(request, "user") else set()
    return {
        "user_roles": held,
        "is_organiser": Role.ORGANISER in held or Role.ADMINISTRATOR in held,
        "is_administrator": Role.ADMINISTRATOR in held,
        "is_checkin_staff": Role.CHECKIN_STAFF in held,
    }
