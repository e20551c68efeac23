"""Who may see and change what: the one place every page, admin list and download asks.

Public pages call ``get_public_strategy``; only published years reach them (each selector filters
with ``published()``). Staff work *in a municipality*: a user's memberships
(``strategy.models.Membership``) give them one role in each municipality they belong to, and a
department member's rows are those their departments own. So:

* ``get_staff_strategy(user, slug, perm)``: a strategy for a staff page: 404 when unknown or when
  the user is no member of its municipality (a stranger never learns it exists), 403 when the
  member's role there lacks `perm`.
* ``scoped(queryset, user)``: the rows of any model of the project the user may see: those of
  their municipalities (each model says its path to its municipality in ``scope_path``), only
  those of their departments for a department member where the model is owned by departments
  (``department_q``), none of a model their role may not read (``roles.READABLE_BY``).
* ``has_perm_for(user, perm, obj)``: whether the user may act with `perm` on one row.

Superusers are exempt from every rule here.
"""

from functools import reduce
from operator import or_

from django.apps import apps
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import Membership, Strategy
from .roles import DEPARTMENT, OUR_APPS, ROLE_PERMISSIONS, may_read

ALL = None  # departments of a member who is not restricted to some


def get_public_strategy(slug: str) -> Strategy:
    """A strategy by its slug, for a public page (404 when unknown)."""
    return get_object_or_404(Strategy.objects.with_municipality(), slug=slug)


def default_strategy() -> Strategy | None:
    """The strategy the public site opens with: the one marked default, else the newest."""
    strategies = Strategy.objects.with_municipality()
    return (
        strategies.filter(is_default=True).first()
        or strategies.order_by("-first_fiscal_year").first()
    )


# --- Memberships -------------------------------------------------------------------------------


def memberships(user) -> dict[int, Membership]:
    """The user's memberships by municipality id, each with its municipality and the ids of its
    departments (``department_ids``), read once per user object: one query, and one more for
    the departments when the user is a department member somewhere."""
    if not getattr(user, "is_authenticated", False):
        return {}
    cached = getattr(user, "_memberships", None)
    if cached is None:
        cached = {}
        for membership in Membership.objects.filter(user=user).select_related("municipality"):
            membership.department_ids = set()
            cached[membership.municipality_id] = membership
        if any(m.role == DEPARTMENT for m in cached.values()):
            links = Membership.departments.through.objects.filter(membership__user=user)
            for municipality_id, department_id in links.values_list(
                "membership__municipality_id", "department_id"
            ):
                cached[municipality_id].department_ids.add(department_id)
        user._memberships = cached
    return cached


def role_in(user, municipality_id: int) -> str | None:
    membership = memberships(user).get(municipality_id)
    return membership.role if membership else None


def department_ids(user, municipality_id: int) -> set[int] | None:
    """The departments whose rows `user` works on in that municipality: ``ALL`` (None) for the
    secretariat, panel members and superusers, the member's own for a department member."""
    if user.is_superuser:
        return ALL
    membership = memberships(user).get(municipality_id)
    if membership is None:
        return set()
    return membership.department_ids if membership.role == DEPARTMENT else ALL


def role_permissions(role: str) -> set[str]:
    """Every permission ("app.codename") of `role`: its row in ``roles.ROLE_PERMISSIONS`` plus
    view on every model of the project its role may read. No query."""
    views = {
        f"{model._meta.app_label}.view_{model._meta.model_name}"
        for app in OUR_APPS
        for model in apps.get_app_config(app).get_models()
        if may_read(role, model._meta.label_lower)
    }
    return set(ROLE_PERMISSIONS.get(role, set())) | views


def role_has_perm(role: str | None, perm: str) -> bool:
    return role is not None and perm in role_permissions(role)


def municipality_id_of(obj) -> int | None:
    """The municipality a row belongs to, following its model's ``scope_path``."""
    path = type(obj).scope_path.split("__")
    if path == ["pk"]:
        return obj.pk
    for name in path[:-1]:
        obj = getattr(obj, name, None)
        if obj is None:
            return None
    return getattr(obj, f"{path[-1]}_id", None)


# --- Staff pages -------------------------------------------------------------------------------


def get_staff_strategy(user, slug: str, perm: str | None = None) -> Strategy:
    """A strategy by its slug for a staff page. 404 when unknown or when `user` is no member of
    its municipality; 403 when their role there lacks `perm`."""
    strategy = get_object_or_404(Strategy.objects.with_municipality(), slug=slug)
    if user.is_superuser:
        return strategy
    role = role_in(user, strategy.municipality_id)
    if role is None:
        raise Http404("総合戦略が見つかりません。")
    if perm is not None and not role_has_perm(role, perm):
        raise PermissionDenied
    return strategy


def staff_strategies(user):
    """The strategies of the municipalities `user` belongs to (every one for a superuser)."""
    strategies = Strategy.objects.with_municipality()
    if user.is_superuser:
        return strategies
    return strategies.filter(municipality_id__in=list(memberships(user)))


def staff_required(perm: str):
    """A staff view: anonymous users are sent to the login page, a logged-in user whose roles
    grant `perm` nowhere gets 403. Every staff view is wrapped in this, and reaches its strategy
    through ``get_staff_strategy`` (membership of that strategy's municipality)."""

    def decorator(view):
        return login_required(permission_required(perm, raise_exception=True)(view))

    return decorator


def can_view_unpublished(user, strategy: Strategy) -> bool:
    """Whether `user` may see the years of `strategy` not yet published (review pages, report
    previews): a member of its municipality whose role has that permission there."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return role_has_perm(role_in(user, strategy.municipality_id), "strategy.view_unpublished")


# --- Rows --------------------------------------------------------------------------------------


def scoped(queryset, user, *, readable_only: bool = True):
    """The rows of `queryset` that `user` may see (see the module's docstring). With
    `readable_only` false, the rows of their municipalities (and departments) even of a model
    their role may not read: to tell "not yours" (404) from "yours, not for your role" (403)."""
    if user.is_superuser:
        return queryset
    model = queryset.model
    label = model._meta.label_lower
    parts = []
    for municipality_id, membership in memberships(user).items():
        if readable_only and not may_read(membership.role, label):
            continue
        part = Q(**{model.scope_path: municipality_id})
        if membership.role == DEPARTMENT and hasattr(model, "department_q"):
            part &= model.department_q(membership.department_ids)
        parts.append(part)
    if not parts:
        return queryset.none()
    return queryset.filter(reduce(or_, parts))


def has_perm_for(user, perm: str, obj) -> bool:
    """Whether `user` may act with `perm` on the row `obj`: their role in its municipality grants
    it and, for a department member on a row owned by departments, the row is theirs."""
    if user.is_superuser:
        return True
    role = role_in(user, municipality_id_of(obj))
    if not role_has_perm(role, perm):
        return False
    model = type(obj)
    if role == DEPARTMENT and hasattr(model, "department_q") and obj.pk is not None:
        return scoped(model._default_manager.filter(pk=obj.pk), user).exists()
    return True
