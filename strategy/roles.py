"""The three staff roles and what each may do (DESIGN.md §2). Groups are created and kept in step
with this table by data migrations (``sync_roles``), never by clicking in the admin.

| | 有識者 (panel) | 担当課 (department) | 事務局 (secretariat) |
| --- | --- | --- | --- |
| read a year not yet published | yes | yes | yes |
| enter results, 事業量 | no | yes | yes |
| enter internal verdicts | no | no | yes |
| draft panel verdicts and opinions | yes | no | yes |
| publish a year, edit structure and revisions | no | no | yes |
| submit their department's results to the yearly data call | no | yes | no |
| open the data call, accept or return a department's submission | no | no | yes |
| request a correction of a published result (its department's) | no | yes | no |
| correct a published result, approve or reject a request | no | no | yes |

A role is held in a municipality (``strategy.models.Membership``): the groups below define what
each role may do, and a member has those permissions for that municipality's data only
(``strategy.access``). Which roles may *read* a model at all is the table ``READABLE_BY``.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SECRETARIAT = "事務局", _("事務局")
    DEPARTMENT = "担当課", _("担当課")
    PANEL = "有識者", _("有識者")


SECRETARIAT = Role.SECRETARIAT.value
DEPARTMENT = Role.DEPARTMENT.value
PANEL = Role.PANEL.value
ROLES = (SECRETARIAT, DEPARTMENT, PANEL)

# Roles that work in the admin (is_staff); panel members use the review pages only.
ADMIN_ROLES = (SECRETARIAT, DEPARTMENT)

OUR_APPS = ("strategy", "kpi", "verification")

STRUCTURE_MODELS = (
    "strategy.strategy",
    "strategy.municipality",
    "strategy.revision",
    "strategy.basicgoal",
    "strategy.goaldirection",
    "strategy.policy",
    "strategy.measure",
    "strategy.project",
    "strategy.projectlisting",
    "strategy.amendment",
    "strategy.populationfigure",
    "strategy.department",
    "strategy.membership",
    "kpi.indicator",
    "verification.gradedefinition",
    "verification.verificationreport",
    "verification.gradingpolicy",
)
RESULT_MODELS = ("kpi.achievement", "strategy.projectoutput", "strategy.projectoutputline")
INTERNAL_REVIEW_MODELS = ("verification.internalreview",)
PANEL_MODELS = ("verification.panelreview", "verification.panelopinion")
PANEL_DRAFT_MODELS = ("verification.paneldraft",)


def _crud(models, actions=("add", "change", "delete")) -> set[str]:
    perms = set()
    for label in models:
        app, model = label.split(".")
        perms |= {f"{app}.{action}_{model}" for action in actions}
    return perms


# Who may read each model at all (its view permission). A model not listed here is read by every
# role; a listed one only by the roles named: the panel's drafts are for the panel and the
# secretariat, and who belongs where is the secretariat's business. The admin and every staff
# page follow this table (tests/security/test_confidentiality.py walks it).
READABLE_BY: dict[str, set[str]] = {
    "verification.paneldraft": {PANEL, SECRETARIAT},
    "strategy.membership": {SECRETARIAT},
    # the yearly data call: the secretariat and the departments (each its own submission)
    "verification.departmentsubmission": {SECRETARIAT, DEPARTMENT},
    "verification.submissiontransition": {SECRETARIAT, DEPARTMENT},
    "verification.reminderlog": {SECRETARIAT, DEPARTMENT},
}


def may_read(role: str, model_label: str) -> bool:
    """Whether `role` may read rows of the model `model_label` ("app.model", lower case)."""
    return role in READABLE_BY.get(model_label, set(ROLES))


UNPUBLISHED = {"strategy.view_unpublished"}

ROLE_PERMISSIONS: dict[str, set[str]] = {
    PANEL: UNPUBLISHED
    | {"verification.draft_panelreview"}
    | _crud(PANEL_DRAFT_MODELS, ("add", "change")),
    DEPARTMENT: UNPUBLISHED
    | {"verification.submit_datacall"}
    | {"kpi.request_correction"}
    | _crud(RESULT_MODELS, ("add", "change")),
    SECRETARIAT: UNPUBLISHED
    | {
        "verification.draft_panelreview",
        "strategy.publish_fiscalyear",
        "verification.manage_datacall",
    }
    | {"kpi.apply_correction"}
    | _crud(RESULT_MODELS)
    | _crud(INTERNAL_REVIEW_MODELS)
    | _crud(PANEL_MODELS)
    | _crud(PANEL_DRAFT_MODELS)
    | _crud(STRUCTURE_MODELS),
}


def _model_exists(apps, app_label: str, model_name: str) -> bool:
    try:
        apps.get_model(app_label, model_name)
    except LookupError:
        return False
    return True


def sync_roles(apps=None) -> None:
    """Create the three groups and give each exactly its permissions (plus view on every model of
    the project's apps). Called from data migrations with the historical app registry."""
    from django.contrib.auth.management import create_permissions

    if apps is None:
        from django.apps import apps as global_apps

        apps = global_apps
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    views = set(
        Permission.objects.filter(
            content_type__app_label__in=OUR_APPS, codename__startswith="view_"
        ).values_list("content_type__app_label", "codename")
    )
    for role, wanted in ROLE_PERMISSIONS.items():
        readable = {
            (app, codename)
            for app, codename in views
            if may_read(role, f"{app}.{codename.removeprefix('view_')}")
        }
        keys = {tuple(p.split(".")) for p in wanted} | readable
        perms = [
            p
            for p in Permission.objects.filter(content_type__app_label__in=OUR_APPS).select_related(
                "content_type"
            )
            if (p.content_type.app_label, p.codename) in keys
        ]
        missing = {
            (app, codename)
            for app, codename in keys - {(p.content_type.app_label, p.codename) for p in perms}
            if _model_exists(apps, app, codename.split("_", 1)[1])
        }  # a model a later migration adds gets its permissions when that migration re-syncs
        if missing:
            raise RuntimeError(f"permissions not found for {role}: {sorted(missing)}")
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.set(perms)
