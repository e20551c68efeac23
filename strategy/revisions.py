"""Reading the tree at a revision, and what a revision changed."""

import copy
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType

from .models import (
    Amendment,
    BasicGoal,
    GoalDirection,
    Measure,
    Policy,
    ProjectListing,
    Revision,
)


def _revisioned_models():
    from kpi.models import Indicator

    return [BasicGoal, GoalDirection, Policy, Measure, Indicator, ProjectListing]


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
    changes = RevisionChanges(revision=revision)
    for model in _revisioned_models():
        base = model.objects.select_related("introduced_in", "retired_in")
        introduced = list(base.filter(introduced_in=revision).select_related("predecessor"))
        successors_of = {node.predecessor_id for node in introduced if node.predecessor_id}
        for node in introduced:
            if node.predecessor_id:
                changes.replaced.append((node.predecessor, node))
            else:
                changes.added.append(node)
        for node in base.filter(retired_in=revision):
            if node.pk not in successors_of:
                changes.retired.append(node)
    changes.amendments = list(
        revision.amendments.select_related("content_type").prefetch_related("node")
    )
    return changes
