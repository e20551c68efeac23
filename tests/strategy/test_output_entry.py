"""The 事業量 entry for staff: a year's 事業量 lines of the member's own projects on one form (one
goal at a time), saved all at once or not at all, never over lines someone else changed
meanwhile."""

from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from strategy.models import ProjectListing, ProjectOutput, ProjectOutputLine
from tests.conftest import member_of
from tests.factory import grow_strategy

SLUG = "nemuro-sousei-2015"


def entry_url(year: int, goal: int | None = None) -> str:
    url = reverse("staff:output_entry", kwargs={"slug": SLUG, "year": year})
    return f"{url}?goal={goal}" if goal else url


class EntryForm(HTMLParser):
    """What a browser would submit from the page's form (a checkbox only when ticked)."""

    def __init__(self, html: str):
        super().__init__()
        self.fields: dict[str, str] = {}
        self._in_form = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("id") == "output-entry-form":
            self._in_form = True
        if self._in_form and tag == "input":
            if a.get("type") == "checkbox" and "checked" not in a:
                return
            self.fields[a["name"]] = a.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False

    def prefixes(self, group: str) -> list[str]:
        """The rows of a group (``o<output id>`` or ``l<listing id>``), in order."""
        return [
            name.removesuffix("-group")
            for name, value in self.fields.items()
            if name.endswith("-group") and value == group
        ]

    def empty_row(self, group: str) -> str:
        return next(p for p in self.prefixes(group) if not self.fields[f"{p}-line"])

    def row_of_line(self, line: ProjectOutputLine) -> str:
        return next(
            p
            for p in self.prefixes(f"o{line.output_id}")
            if self.fields[f"{p}-line"] == str(line.pk)
        )

    def type(self, prefix: str, **values) -> "EntryForm":
        for name, value in values.items():
            self.fields[f"{prefix}-{name}"] = value
        return self


def load(client, year: int, goal: int | None = None) -> EntryForm:
    response = client.get(entry_url(year, goal))
    assert response.status_code == 200
    return EntryForm(response.content.decode())


def snapshot():
    """Every output and line as stored, to compare before and after a refused save."""
    return (
        list(ProjectOutput.objects.order_by("pk").values_list()),
        list(ProjectOutputLine.objects.order_by("pk").values_list()),
    )


def listing_without_output(year: int, goal: int) -> ProjectListing:
    """A listing of `goal` in force from the first revision on, with no output in `year`."""
    listings = ProjectListing.objects.filter(
        measure__strategy__slug=SLUG,
        measure__policy__goal__number=goal,
        introduced_in__sequence=1,
        retired_in=None,
    ).select_related("measure")
    for listing in listings.order_by("measure__number", "position"):
        if not ProjectOutput.objects.filter(
            fiscal_year__year=year, measure=listing.measure, project=listing.project
        ).exists():
            return listing
    raise AssertionError("no listing without an output")


def first_line_of_goal(goal: int) -> ProjectOutputLine:
    return (
        ProjectOutputLine.objects.filter(
            output__fiscal_year__year=2016, output__measure__policy__goal__number=goal
        )
        .order_by("output__position", "position")
        .first()
    )


# --- who sees what -------------------------------------------------------------------------------


def test_a_department_member_sees_only_their_departments_projects(
    as_user, department, nemuro_departments
):
    first, _second = nemuro_departments
    client = as_user(member_of(department, first))
    for goal in (None, 1, 2, 3):
        page = client.get(entry_url(2017, goal)).context["page"]
        assert [g.number for g in page.goals] == [1, 2]
        assert page.groups
        assert {group.listing.measure.policy.goal.number for group in page.groups} <= {1, 2}
    # ?goal=3 is not theirs: they get their first goal, not goal 3
    assert client.get(entry_url(2017, 3)).context["page"].goal.number == 1


def test_the_secretariat_sees_every_goal(as_user, secretariat):
    page = as_user(secretariat).get(entry_url(2017)).context["page"]
    assert [g.number for g in page.goals] == [1, 2, 3]


def test_the_staff_home_links_to_the_entry(as_user, department):
    response = as_user(department).get(reverse("staff:home"))
    assert "事業量の入力（年度別）" in response.content.decode()


def test_another_municipalitys_staff_get_404(client, nemuro, other_municipality):
    from tests.conftest import _user_in

    client.force_login(_user_in("事務局", "tashi", other_municipality.code))
    assert client.get(entry_url(2016)).status_code == 404
    assert client.post(entry_url(2016), {}).status_code == 404
    index = reverse("staff:output_entry_index", kwargs={"slug": SLUG})
    assert client.get(index).status_code == 404


# --- saving --------------------------------------------------------------------------------------


def test_a_department_member_saves_a_years_lines(as_user, department):
    client = as_user(department)
    line = first_line_of_goal(1)
    form = load(client, 2016, 1)
    form.type(form.row_of_line(line), value="１，２３４", text="延べ1,234件")
    form.type(form.empty_row(f"o{line.output_id}"), label="参加人数", value="56", unit="人")
    response = client.post(entry_url(2016, 1), form.fields, follow=True)
    assert "保存しました（追加 1行・更新 1行・削除 0行）" in response.content.decode()
    line.refresh_from_db()
    assert (line.value, line.text) == (Decimal("1234"), "延べ1,234件")
    added = line.output.lines.get(label="参加人数")
    assert (added.value, added.unit, added.position) == (Decimal("56"), "人", 2)
    assert line.history.first().history_user == department
    assert added.history.first().history_user == department


def test_a_project_without_an_output_gets_one_with_its_first_line(as_user, department):
    client = as_user(department)
    listing = listing_without_output(2017, 1)
    form = load(client, 2017, 1)
    form.type(form.empty_row(f"l{listing.pk}"), label="実施回数", text="3回", value="3", unit="回")
    client.post(entry_url(2017, 1), form.fields)
    output = ProjectOutput.objects.get(
        fiscal_year__year=2017, measure=listing.measure, project=listing.project
    )
    assert (output.title, output.period_start.year, output.period_end.year) == (
        listing.project.name,
        2017,
        2017,
    )
    assert list(output.lines.values_list("label", "value")) == [("実施回数", Decimal("3"))]
    assert output.history.first().history_user == department


def test_the_secretariat_removes_a_line(as_user, secretariat):
    client = as_user(secretariat)
    line = first_line_of_goal(1)
    form = load(client, 2016, 1)
    form.type(form.row_of_line(line), delete="on")
    client.post(entry_url(2016, 1), form.fields)
    assert not ProjectOutputLine.objects.filter(pk=line.pk).exists()


def test_a_department_member_may_not_remove_a_line(as_user, department):
    """担当課 may add and change lines, not delete them (strategy/roles.py)."""
    client = as_user(department)
    line = first_line_of_goal(1)
    form = load(client, 2016, 1)
    assert f"{form.row_of_line(line)}-delete" not in form.fields  # no box offered
    before = snapshot()
    form.type(form.row_of_line(line), delete="on")
    response = client.post(entry_url(2016, 1), form.fields)
    assert "事業量の行の削除は事務局に依頼してください" in response.content.decode()
    assert snapshot() == before


def test_an_unchanged_page_saves_nothing(as_user, department):
    client = as_user(department)
    before = snapshot()
    response = client.post(entry_url(2016, 1), load(client, 2016, 1).fields, follow=True)
    assert "変更はありませんでした" in response.content.decode()
    assert snapshot() == before


# --- refusals ------------------------------------------------------------------------------------


def test_a_row_for_another_departments_project_is_refused_and_nothing_saved(
    as_user, department, nemuro_departments
):
    first, _second = nemuro_departments
    client = as_user(member_of(department, first))
    theirs = listing_without_output(2017, 3)  # goal 3: 第二課's
    mine = listing_without_output(2017, 1)
    form = load(client, 2017, 1)
    form.type(form.empty_row(f"l{mine.pk}"), label="正しい行", value="1")
    row = form.prefixes(f"l{mine.pk}")[-1]
    form.type(row, group=f"l{theirs.pk}", label="他課の行", value="9")
    before = snapshot()
    response = client.post(entry_url(2017, 1), form.fields)
    assert response.status_code == 200
    assert "担当課の事業だけを入力できます" in response.content.decode()
    assert snapshot() == before


def test_an_invalid_value_keeps_the_input_and_saves_nothing(as_user, department):
    client = as_user(department)
    line = first_line_of_goal(1)
    form = load(client, 2016, 1)
    form.type(form.row_of_line(line), value="12", text="正しい入力")
    form.type(form.empty_row(f"o{line.output_id}"), label="回数", value="三回")
    before = snapshot()
    response = client.post(entry_url(2016, 1), form.fields)
    html = response.content.decode()
    assert response.status_code == 200
    assert "保存できませんでした" in html and 'id="error-summary"' in html
    assert "数値で入力してください" in html
    assert 'value="三回"' in html and 'value="正しい入力"' in html
    formset = response.context["formset"]
    (bad,) = formset.error_forms
    assert list(bad.errors) == ["value"]  # next to its field
    assert snapshot() == before


def test_a_negative_value_is_refused(as_user, department):
    client = as_user(department)
    line = first_line_of_goal(1)
    form = load(client, 2016, 1)
    form.type(form.row_of_line(line), value="-3")
    before = snapshot()
    response = client.post(entry_url(2016, 1), form.fields)
    assert "事業量に負の値は入力できません" in response.content.decode()
    assert snapshot() == before


def test_a_concurrent_edit_is_refused_saying_what_is_stored_now(as_user, department):
    client = as_user(department)
    line = first_line_of_goal(1)
    form = load(client, 2016, 1)
    # someone else saves the same project's lines after the page was loaded
    ProjectOutputLine.objects.filter(pk=line.pk).update(text="他の職員の入力", value=77)
    form.type(form.row_of_line(line), text="わたしの入力", value="5")
    response = client.post(entry_url(2016, 1), form.fields)
    html = response.content.decode()
    assert "他の職員が変更しました" in html
    assert "現在の内容: " in html and "他の職員の入力（77" in html
    assert 'value="わたしの入力"' in html  # the input is kept
    line.refresh_from_db()
    assert (line.text, line.value) == ("他の職員の入力", Decimal("77"))
    # saving again after reading the message means "keep mine"
    again = EntryForm(html)
    client.post(entry_url(2016, 1), again.fields)
    line.refresh_from_db()
    assert (line.text, line.value) == ("わたしの入力", Decimal("5"))


def test_an_output_made_meanwhile_is_not_duplicated(as_user, department):
    client = as_user(department)
    listing = listing_without_output(2017, 1)
    form = load(client, 2017, 1)
    form.type(form.empty_row(f"l{listing.pk}"), label="回数", value="3")
    fiscal_year = listing.measure.strategy.fiscal_years.get(year=2017)
    ProjectOutput.objects.create(
        measure=listing.measure,
        project=listing.project,
        fiscal_year=fiscal_year,
        period_start=fiscal_year,
        period_end=fiscal_year,
        position=999,
        title="他の職員が登録",
    )
    before = snapshot()
    response = client.post(entry_url(2017, 1), form.fields)
    assert "他の職員が先に登録しました" in response.content.decode()
    assert snapshot() == before


# --- budget --------------------------------------------------------------------------------------

# session, user, the user's permissions (2: own and group), memberships with their municipalities
# and their departments (2, also shown in the page header), strategy, fiscal year, revision in
# force, listings with measure, policy, goal and project, the goal's outputs of the year, their
# lines
ENTRY_QUERIES = 12
# session, user, permissions (2), memberships and departments (2), strategy, outputs per year,
# fiscal years
INDEX_QUERIES = 9


@pytest.mark.parametrize(("page", "expected"), [("entry", ENTRY_QUERIES), ("index", INDEX_QUERIES)])
def test_the_pages_run_the_same_number_of_queries_whatever_the_data_size(
    client, nemuro, department, warm_caches, django_assert_num_queries, page, expected
):
    url = (
        entry_url(2016, 1)
        if page == "entry"
        else reverse("staff:output_entry_index", kwargs={"slug": SLUG})
    )
    client.force_login(department)
    with django_assert_num_queries(expected):
        small = client.get(url)
    grow_strategy(nemuro, 20)
    with django_assert_num_queries(expected):
        large = client.get(url)
    if page == "entry":
        assert len(large.context["page"].groups) == len(small.context["page"].groups) + 20


def test_the_largest_page_posts_fewer_fields_than_django_accepts(as_user, secretariat, settings):
    """One goal a page keeps the form within DATA_UPLOAD_MAX_NUMBER_FIELDS (goal 2 in H30: the
    most projects, none with an output yet, so two empty rows each)."""
    form = load(as_user(secretariat), 2018, 2)
    assert len(form.fields) + 1 < settings.DATA_UPLOAD_MAX_NUMBER_FIELDS  # + the button
