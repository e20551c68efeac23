"""Reading the tree at a revision, and what a revision changed."""

import copy
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.prefetch import GenericPrefetch

from .diff import Run, wording_diff
from .models import Amendment, ProjectListing, Revision
from .models.revisioned import revisioned_models


def node_querysets():
    """Querysets that load amended nodes with what their labels show."""
    return [model.objects.select_related(*model.label_related) for model in revisioned_models()]


def as_of(objects, revision: Revision) -> list:
    """Copies of `objects` worded as they stood at `revision`: every amendment made by a later
    revision is undone. One query, whatever the number of objects."""
    originals = list(objects)
    if not originals:
        return []
    copies = [copy.copy(obj) for obj in originals]
    index = {(ContentType.objects.get_for_model(obj).pk, obj.pk): obj for obj in copies}
    later = (
        Amendment.objects.for_objects(copies)
        .filter(revision__sequence__gt=revision.sequence)
        .order_by("-revision__sequence")
    )
    for amendment in later:
        obj = index[(amendment.content_type_id, amendment.object_id)]
        model_field = obj._meta.get_field(amendment.field)
        setattr(obj, amendment.field, model_field.to_python(amendment.old_value))
    return copies


@dataclass
class RevisionChanges:
    """What one revision did to the tree."""

    revision: Revision
    added: list = field(default_factory=list)  # new nodes with no predecessor
    replaced: list = field(default_factory=list)  # (old node, new node): moved, split, re-targeted
    retired: list = field(default_factory=list)  # nodes removed without a successor
    amendments: list = field(default_factory=list)  # Amendment rows (renamed, reworded)

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.replaced or self.retired or self.amendments)


def revision_changes(revision: Revision) -> RevisionChanges:
    """Everything `revision` introduced, replaced, retired and amended."""
    return strategy_changes(revision.strategy)[revision.pk]


def strategy_changes(strategy) -> dict[int, RevisionChanges]:
    """What each revision of `strategy` changed, keyed by revision id. Two queries per kind of
    node and one for the amendments (plus one per kind of amended node), whatever the data size."""
    revisions = list(strategy.revisions.order_by("sequence"))
    changes = {r.pk: RevisionChanges(revision=r) for r in revisions}
    for model in revisioned_models():
        related = ["introduced_in", "retired_in", "predecessor"]
        if model is ProjectListing:
            related += ["measure", "project", "predecessor__measure"]
        elif hasattr(model, "measure"):
            related += ["measure", "predecessor__measure"]
        # the first version of the strategy adds everything: not a change, so not even loaded
        introduced = list(
            model.objects.filter(introduced_in__strategy=strategy)
            .exclude(introduced_in__sequence=1, predecessor__isnull=True)
            .select_related(*related)
            .in_tree_order()
        )
        successors_of = {node.predecessor_id for node in introduced if node.predecessor_id}
        for node in introduced:
            target = changes[node.introduced_in_id]
            if node.predecessor_id:
                target.replaced.append((node.predecessor, node))
            else:
                target.added.append(node)
        retired = (
            model.objects.filter(retired_in__strategy=strategy)
            .select_related(*related)
            .in_tree_order()
        )
        for node in retired:
            if node.pk not in successors_of:
                changes[node.retired_in_id].retired.append(node)
    for amendment in (
        Amendment.objects.filter(revision__strategy=strategy)
        .select_related("content_type", "revision")
        .prefetch_related(GenericPrefetch("node", node_querysets()))
        .order_by("revision__sequence", "content_type_id", "object_id", "field")
    ):
        changes[amendment.revision_id].amendments.append(amendment)
    return changes


def wordings(obj, revisions: list[Revision]) -> dict[int, object]:
    """`obj` as worded at each of `revisions`, keyed by revision id (one query)."""
    amendments = sorted(Amendment.objects.for_objects([obj]), key=lambda a: -a.revision.sequence)
    result = {}
    for revision in revisions:
        copy_ = copy.copy(obj)
        for amendment in amendments:
            if amendment.revision.sequence > revision.sequence:
                model_field = copy_._meta.get_field(amendment.field)
                setattr(copy_, amendment.field, model_field.to_python(amendment.old_value))
        result[revision.pk] = copy_
    return result


@dataclass
class ChangeItem:
    kind: str  # 目標値の変更 / 移動 / 名称の変更 / 文言の変更 / 追加 / 廃止
    node_type: str
    label: str
    old: str = ""
    new: str = ""

    @property
    def is_move(self) -> bool:
        return self.kind == "移動"

    @property
    def wording(self) -> list[Run]:
        """The old and the new text as one text with what was removed and added marked
        (strategy.diff): a reworded sentence or target shows only what changed."""
        return wording_diff(self.old, self.new)


def _label(node) -> str:
    if isinstance(node, ProjectListing):
        mark = "（再掲）" if node.reprint else ""
        return f"{node.measure.code} {node.project.name}{mark}"
    return str(node)


def _place(node) -> str:
    measure = getattr(node, "measure", None)
    return measure.code if measure is not None else ""


def change_items(changes: RevisionChanges) -> list[ChangeItem]:
    """What a revision changed, in words a reader follows: targets old → new first, then moves,
    renamings, rewordings, additions and retirements."""
    targets, moves, renames, rewords, added, retired = [], [], [], [], [], []
    for old, new in changes.replaced:
        node_type = str(new._meta.verbose_name)
        if _place(old) != _place(new):
            moves.append(ChangeItem("移動", node_type, _label(new), _place(old), _place(new)))
        if getattr(old, "target_text", None) is not None and old.target_text != new.target_text:
            targets.append(
                ChangeItem("目標値の変更", node_type, _label(new), old.target_text, new.target_text)
            )
    for amendment in changes.amendments:
        node = amendment.node
        node_type = str(amendment.content_type.model_class()._meta.verbose_name)
        label = _label(node) if node is not None else ""
        item = ChangeItem("", node_type, label, amendment.old_value, amendment.new_value)
        if amendment.field.startswith("target"):
            item.kind = "目標値の変更"
            targets.append(item)
        elif amendment.field == "name":
            item.kind = "名称の変更"
            renames.append(item)
        else:
            item.kind = f"{amendment.field_label()}の変更"
            rewords.append(item)
    for node in changes.added:
        added.append(ChangeItem("追加", str(node._meta.verbose_name), _label(node)))
    for node in changes.retired:
        retired.append(ChangeItem("廃止", str(node._meta.verbose_name), _label(node)))
    return targets + moves + renames + rewords + added + retired
