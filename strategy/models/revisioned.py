"""How the strategy's tree changes from one revision to the next.

Two mechanisms, each for one kind of change:

* A node's life cycle. Every structural node records the revision that introduced it and the one
  that retired it. A node that a revision moves or splits (a KPI moved to another measure, with a
  new target) is retired and replaced by a *successor* that points back to it; results and verdicts
  stay on the node in force in their year, and the chain of predecessors gives one continuous
  history.
* Amendments. A revision that only rewords a node in place (a measure renamed, a description
  rewritten, a 区分 extended) leaves the node where it is and records the field's old and new value.
  The node holds the newest wording; the wording at an earlier revision is the node with the later
  amendments undone (``strategy.revisions.as_of``).
"""

from django.apps import apps
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .core import Revision


class RevisionedQuerySet(models.QuerySet):
    def in_force_at(self, revision: Revision):
        """Nodes that stood in the tree at `revision`: introduced at or before it, not retired by
        it or an earlier one."""
        return self.filter(introduced_in__sequence__lte=revision.sequence).filter(
            Q(retired_in__isnull=True) | Q(retired_in__sequence__gt=revision.sequence)
        )

    def in_force_in_year(self, strategy, year: int):
        """Nodes in force in fiscal year `year` (the adopted revision of that year)."""
        return self.in_force_at(strategy.revision_for_year(year))

    def in_tree_order(self):
        """The order of the strategy document within one strategy (``tree_ordering``): the
        default ordering without the joins to the strategy and municipality it sorts by first."""
        return self.order_by(*self.model.tree_ordering())


def revisioned_models() -> list[type["RevisionedNode"]]:
    """Every concrete kind of revisioned node of the installed apps (goals, directions, policies,
    measures, indicators, project listings …), in the order of the document's tree. The apps
    above this one declare their nodes by subclassing ``RevisionedNode``; nothing here names
    them."""
    found = [
        model
        for model in apps.get_models()
        if issubclass(model, RevisionedNode) and not model._meta.proxy
    ]
    return sorted(found, key=lambda model: model.tree_rank)


class RevisionedNode(models.Model):
    introduced_in = models.ForeignKey(
        Revision,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("追加した版"),
    )
    retired_in = models.ForeignKey(
        Revision,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("廃止した版"),
    )
    predecessor = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        related_name="successors",
        null=True,
        blank=True,
        verbose_name=_("改訂前の項目"),
        help_text=_("改訂で移動・分割された場合の、元の項目。"),
    )

    objects = RevisionedQuerySet.as_manager()

    # Where a kind of node stands in the document's tree (goal 0 … listing 50): the order in which
    # the revision history lists the kinds.
    tree_rank: int = 100
    # What the node's label reads besides its own row (for select_related when it is listed).
    label_related: tuple[str, ...] = ()

    class Meta:
        abstract = True

    @classmethod
    def tree_ordering(cls) -> list:
        """The document's order of this kind of node within one strategy."""
        raise NotImplementedError(f"{cls.__name__} must say its tree_ordering()")

    def clean(self):
        super().clean()
        errors = {}
        if self.introduced_in_id and self.retired_in_id:
            if self.retired_in.sequence <= self.introduced_in.sequence:
                errors["retired_in"] = ValidationError(
                    _("廃止した版は追加した版より後にしてください。"),
                    code="retired_before_introduced",
                )
            if self.retired_in.strategy_id != self.introduced_in.strategy_id:
                errors["retired_in"] = ValidationError(
                    _("別の総合戦略の版は指定できません。"), code="revision_other_strategy"
                )
        if self.predecessor_id and self.predecessor_id == self.pk:
            errors["predecessor"] = ValidationError(
                _("自分自身を改訂前の項目にはできません。"), code="self_predecessor"
            )
        if errors:
            raise ValidationError(errors)

    def is_in_force_at(self, revision: Revision) -> bool:
        if self.introduced_in.sequence > revision.sequence:
            return False
        return self.retired_in is None or self.retired_in.sequence > revision.sequence

    def lineage(self) -> list:
        """This node and its predecessors, oldest first (one query per step; use on one node)."""
        chain = [self]
        while chain[0].predecessor_id:
            chain.insert(0, chain[0].predecessor)
        return chain


class AmendmentQuerySet(models.QuerySet):
    def for_objects(self, objects):
        """Amendments of the given nodes (any mix of models), with their revision."""
        by_type: dict[ContentType, list[int]] = {}
        for obj in objects:
            by_type.setdefault(ContentType.objects.get_for_model(obj), []).append(obj.pk)
        if not by_type:
            return self.none()
        condition = Q()
        for content_type, ids in by_type.items():
            condition |= Q(content_type=content_type, object_id__in=ids)
        return self.filter(condition).select_related("revision")


class Amendment(models.Model):
    """A field of a node that a revision changed in place: old → new."""

    revision = models.ForeignKey(
        Revision, on_delete=models.CASCADE, related_name="amendments", verbose_name=_("版")
    )
    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, verbose_name=_("項目の種類")
    )
    object_id = models.PositiveBigIntegerField(_("項目ID"))
    node = GenericForeignKey("content_type", "object_id")
    field = models.CharField(_("変更した欄"), max_length=50)
    old_value = models.TextField(_("改訂前"), blank=True)
    new_value = models.TextField(_("改訂後"), blank=True)

    objects = AmendmentQuerySet.as_manager()

    scope_path = "revision__strategy__municipality"

    history = HistoricalRecords(verbose_name=_("改訂による変更の変更履歴"))

    class Meta:
        verbose_name = _("改訂による変更")
        verbose_name_plural = _("改訂による変更")
        ordering = ["revision__sequence", "content_type", "object_id", "field"]
        constraints = [
            models.UniqueConstraint(
                fields=["revision", "content_type", "object_id", "field"],
                name="amendment_unique_field_per_revision",
            ),
        ]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"{self.revision}: {self.field} {self.old_value} → {self.new_value}"

    def field_label(self) -> str:
        model = self.content_type.model_class()
        try:
            return str(model._meta.get_field(self.field).verbose_name)
        except Exception:  # noqa: BLE001 - a field renamed since
            return self.field
