"""Authentication backend: a user's permissions are those of the roles they hold in their
municipalities (``strategy.models.Membership``), plus anything given to the user or their groups
directly. Whether a permission applies to a given municipality's rows is decided by
``strategy.access`` (``get_staff_strategy``, ``scoped``, ``has_perm_for``)."""

from django.contrib.auth.backends import ModelBackend

from .access import memberships, role_permissions


class MembershipBackend(ModelBackend):
    def get_group_permissions(self, user_obj, obj=None):
        perms = set(super().get_group_permissions(user_obj, obj))
        if user_obj.is_active and not user_obj.is_anonymous and obj is None:
            for role in {membership.role for membership in memberships(user_obj).values()}:
                perms |= role_permissions(role)
        return perms
