from .tenancy import scope_for


def roles(request):
    """Role names of the current account, for the navigation."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"my_roles": set()}
    return {"my_roles": scope_for(user).roles(), "my_scope": scope_for(user)}
