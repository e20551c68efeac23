"""The staff pages a user may open for a strategy, each with the permission it needs: one list,
read by the staff home and the permission-matrix tests (a new staff page is added here)."""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from strategy.access import role_has_perm, role_in


@dataclass(frozen=True)
class StaffPage:
    url_name: str  # in the "staff" namespace, taking the strategy's slug
    label: str
    perm: str


STAFF_PAGES: list[StaffPage] = [
    StaffPage("department_assignments", "担当課の割当（未割当の一覧）", "strategy.change_measure"),
    StaffPage("my_tasks", "自分の担当（照会への提出）", "verification.submit_datacall"),
    StaffPage("year_entry_index", "実績の入力（年度別）", "kpi.change_achievement"),
    StaffPage("import_upload", "Excelで実績を一括入力", "kpi.change_achievement"),
    StaffPage("output_entry_index", "事業量の入力（年度別）", "strategy.change_projectoutput"),
    StaffPage("correction_index", "公表後の訂正（申請・承認）", "kpi.change_achievement"),
    StaffPage("data_call_index", "実績の照会（提出状況）", "verification.manage_datacall"),
    StaffPage("publication", "年度の公表・取り下げ", "strategy.publish_fiscalyear"),
    StaffPage("recent_changes", "最近の変更（監査記録）", "strategy.view_unpublished"),
    StaffPage("internal_review_index", "内部検証結果の入力", "verification.change_internalreview"),
    StaffPage("panel_index", "有識者会議の検証ページ", "verification.draft_panelreview"),
]


@dataclass(frozen=True)
class Link:
    url: str
    label: str


def links_for(user, strategy) -> list[Link]:
    links = []
    role = role_in(user, strategy.municipality_id)
    for page in STAFF_PAGES:
        if not (user.is_superuser or role_has_perm(role, page.perm)):
            continue
        try:
            url = reverse(f"staff:{page.url_name}", kwargs={"slug": strategy.slug})
        except NoReverseMatch:
            continue
        links.append(Link(url, page.label))
    return links
