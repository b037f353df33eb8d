from django import template

from cooperatie import policy

register = template.Library()


@register.simple_tag(takes_context=True)
def user_roles(context, cooperative) -> policy.Roles:
    """The current user's roles in the cooperative (cached per request), for navigation."""
    return policy.roles_for(context["request"].user, cooperative)


@register.filter
def person(user) -> str:
    """A person by name (the username only when no name is known), never an empty cell."""
    if not user:
        return "–"
    return user.get_full_name() or user.username
