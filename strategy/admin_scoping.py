"""One admin mixin for every model of the project: a member sees and changes only the rows of
their municipalities (and, for a department member, their departments), as ``strategy.access``
decides. Another municipality's row is a 404 on every admin page (change, history, delete), never a
page that confirms it exists; select boxes offer only the member's own rows, so a stranger's id
cannot come back through a form. Superusers are exempt."""

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404

from .access import has_perm_for, scoped


def _perm(model, action: str) -> str:
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


class ScopedAdminMixin:
    """Put first among a ModelAdmin's (or an inline's) bases."""

    def get_queryset(self, request):
        # whether the role may read this model at all is the admin's view permission (a 403)
        return scoped(super().get_queryset(request), request.user, readable_only=False)

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        raise Http404(f"{opts.verbose_name}が見つかりません。")

    def _allowed(self, request, action: str, obj) -> bool:
        return has_perm_for(request.user, _perm(self.model, action), obj)

    def has_view_permission(self, request, obj=None):
        if not super().has_view_permission(request, obj):
            return False
        if obj is None:
            return True
        return self._allowed(request, "view", obj) or self._allowed(request, "change", obj)

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or self._allowed(request, "change", obj)

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or self._allowed(request, "delete", obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.remote_field.model
        if hasattr(related, "scope_path") and "queryset" not in kwargs:
            kwargs["queryset"] = scoped(related._default_manager.all(), request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        related = db_field.remote_field.model
        if hasattr(related, "scope_path") and "queryset" not in kwargs:
            kwargs["queryset"] = scoped(related._default_manager.all(), request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        """A new or changed row must land in the member's own municipality (and department)."""
        action = "change" if change else "add"
        if not has_perm_for(request.user, _perm(self.model, action), obj):
            raise PermissionDenied
        super().save_model(request, obj, form, change)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self._ours_or_404(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        self._ours_or_404(request, object_id)
        return super().delete_view(request, object_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        self._visible_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._visible_or_404(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def _ours(self, request, object_id) -> bool:
        """Whether the row belongs to the member's municipalities (and departments), whether or
        not their role may read this model (that is a 403, decided by Django's admin)."""
        rows = self.model._default_manager.filter(pk=object_id)
        return scoped(rows, request.user, readable_only=False).exists()

    def _ours_or_404(self, request, object_id) -> None:
        try:
            object_id = self.model._meta.pk.to_python(unquote(object_id))
        except Exception as exc:  # a malformed id is not found either
            raise Http404 from exc
        if not self._ours(request, object_id):
            raise Http404(f"{self.model._meta.verbose_name}が見つかりません。")

    def _visible_or_404(self, request, object_id) -> None:
        """A row, or the last recorded version of a deleted one, that the member may see."""
        object_id = unquote(object_id)
        if self._ours(request, object_id):
            return
        history = getattr(self.model, "history", None)
        record = None
        if history is not None:
            record = history.filter(**{self.model._meta.pk.attname: object_id}).first()
        if record is None or not self.has_view_permission(request, record.instance):
            raise Http404(f"{self.model._meta.verbose_name}が見つかりません。")
