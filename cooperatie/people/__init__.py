"""People of a cooperative: invitations, roles given and taken by the administrator,
sign-in protection and two-factor sign-in."""
