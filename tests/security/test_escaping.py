"""Script and HTML typed into a free-text field are stored exactly as typed and shown as text:
every page that shows them escapes them, and none contains the raw tag."""

from django.urls import reverse

from kpi.models import Achievement
from strategy.models import FiscalYear
from tests.kpi.test_year_entry import load
from verification.models import InternalReview, PanelDraft, PanelReview, YearPublication

SLUG = "nemuro-sousei-2015"
TYPED = '<script>alert(1)</script>「<b onmouseover="alert(2)">太字</b>」'
RAW = ("<script>alert(1)</script>", "<b onmouseover")
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def shows_escaped(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    for raw in RAW:
        assert raw not in html, url
    assert ESCAPED in html, url
    assert "&lt;b onmouseover=&quot;alert(2)&quot;&gt;" in html, url
    return html


def staff(name: str, **kwargs) -> str:
    return reverse(f"staff:{name}", kwargs={"slug": SLUG, **kwargs})


def public(name: str, **kwargs) -> str:
    return reverse(name, kwargs={"slug": SLUG, **kwargs})


def test_an_achievement_note_from_the_year_entry_screen(as_user, nemuro, department):
    # H28 is published (locked to corrections): reopened so the screen takes the note, then
    # published again so that the public pages show it
    h28 = FiscalYear.objects.filter(strategy=nemuro, year=2016)
    published_at = h28.get().published_at
    h28.update(published_at=None)
    client = as_user(department)
    page = load(client, 2016).type("G1-1", note=TYPED)
    assert client.post(staff("year_entry", year=2016), page.fields).status_code == 302
    h28.update(published_at=published_at)
    stored = Achievement.objects.get(indicator__code="G1-1", fiscal_year__year=2016)
    assert stored.note == TYPED
    shows_escaped(client, staff("year_entry", year=2016))  # in the input as loaded
    shows_escaped(client, staff("year_entry", year=2017))  # as last year's note
    shows_escaped(client, public("strategy:goal", number=1))
    shows_escaped(client, public("kpi:indicator", code="G1-1"))


def test_the_issues_and_reason_of_an_internal_verdict(as_user, nemuro, secretariat):
    client = as_user(secretariat)
    response = client.post(
        staff("internal_review_edit", year=2016, code="3イ②"),
        {"grade": "D", "issues": TYPED, "departure_reason": TYPED},
    )
    assert response.status_code == 302
    review = InternalReview.objects.get(measure__code="3イ②", fiscal_year__year=2016)
    assert (review.issues, review.departure_reason) == (TYPED, TYPED)
    shows_escaped(client, staff("internal_review_edit", year=2016, code="3イ②"))
    shows_escaped(client, staff("panel_review", year=2016, number=3))
    shows_escaped(client, public("strategy:measure", code="3イ②"))


def test_a_panel_draft_supplementary_opinion_and_opinion(as_user, nemuro, panel_member):
    client = as_user(panel_member)
    response = client.post(
        staff("panel_review", year=2016, number=1),
        {
            "draft-grade": "B",
            "draft-supplementary_opinion": TYPED,
            "draft-opinions": TYPED,
        },
    )
    assert response.status_code == 302
    draft = PanelDraft.objects.get(author=panel_member)
    assert (draft.supplementary_opinion, draft.opinion_lines) == (TYPED, [TYPED])
    html = shows_escaped(client, staff("panel_review", year=2016, number=1))
    assert html.count(ESCAPED) >= 2  # the draft as shown, and the member's own form


def test_a_final_panel_verdict_reaches_the_public_page_escaped(as_user, nemuro, secretariat):
    client = as_user(secretariat)
    response = client.post(
        staff("panel_record", year=2016, number=1),
        {"record-grade": "B", "record-supplementary_opinion": TYPED, "record-opinions": TYPED},
    )
    assert response.status_code == 302
    review = PanelReview.objects.get(goal__number=1, fiscal_year__year=2016, goal__strategy=nemuro)
    assert review.supplementary_opinion == TYPED
    assert [o.text for o in review.opinions.all()] == [TYPED]
    shows_escaped(client, public("strategy:goal", number=1))


def test_a_withdrawal_reason(as_user, nemuro, secretariat):
    client = as_user(secretariat)
    response = client.post(staff("withdraw", year=2016), {"reason": TYPED})
    assert response.status_code == 302
    assert YearPublication.objects.get(action="withdraw").reason == TYPED
    shows_escaped(client, staff("publication"))


def test_a_refused_withdrawal_keeps_what_was_typed_escaped(as_user, nemuro, secretariat):
    client = as_user(secretariat)
    too_long = TYPED * 40  # over the 2,000 characters allowed: the form comes back
    response = client.post(staff("withdraw", year=2016), {"reason": too_long})
    assert response.status_code == 200
    html = response.content.decode()
    assert ESCAPED in html and not any(raw in html for raw in RAW)
    assert not YearPublication.objects.filter(action="withdraw").exists()


# --- Everything the admin lets staff type, on every public page --------------------------------

SHORT = "<i>斜</i>"  # for text fields too short for TYPED


def text_fields(model):
    """The free-text fields of a model: character and text fields without choices that are not
    identifiers used in addresses or lookups."""
    from django.db import models

    in_unique = {name for names in model._meta.unique_together for name in names}
    for constraint in model._meta.constraints:
        in_unique |= set(getattr(constraint, "fields", ()))
    for field in model._meta.get_fields():
        if (
            isinstance(field, (models.CharField, models.TextField))
            and not isinstance(field, models.SlugField)
            and not field.choices
            and not field.unique
            and (field.name not in in_unique or field.name in {"name", "title"})
            and field.name not in {"code", "slug", "history_change_reason"}
            and (field.max_length is None or field.max_length >= len(SHORT))
        ):
            yield field


def test_markup_in_every_free_text_field_is_shown_escaped_on_every_public_page(client, nemuro):
    from django.apps import apps
    from django.core.cache import caches
    from django.db.models import CharField, Value
    from django.db.models.functions import Cast, Concat

    from tests.security.test_public_access import EXPECTED

    filled = []
    for app in ("strategy", "kpi", "verification"):
        for model in apps.get_app_config(app).get_models():
            if model._meta.model_name.startswith("historical"):
                continue
            for field in text_fields(model):
                typed = (
                    TYPED if field.max_length is None or field.max_length >= len(TYPED) else SHORT
                )
                if field.name in {"name", "title"}:  # unique within a strategy: add the pk
                    typed = Concat(Value(typed), Cast("pk", output_field=CharField()))
                if model._default_manager.update(**{field.name: typed}):
                    filled.append(f"{model._meta.label}.{field.name}")
    assert "strategy.Project.name" in filled and "kpi.Indicator.name" in filled
    for cache in caches.all():
        cache.clear()  # queryset.update() sends no signals: drop whatever pages were cached

    escaped_somewhere = set()
    for name, kwargs in EXPECTED.items():
        response = client.get(reverse(name, kwargs=kwargs), follow=True)
        assert response.status_code == 200, name
        if "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        for raw in (*RAW, SHORT):
            assert raw not in html, (name, raw)
        if ESCAPED in html:
            escaped_somewhere.add(name)
    # the pages did show the typed text (as text), not something else
    assert {"strategy:top", "strategy:goal", "strategy:measure", "kpi:indicator"} <= (
        escaped_somewhere
    )


def test_a_search_typed_into_the_project_list_is_shown_escaped(client, nemuro):
    response = client.get(public("strategy:projects"), {"q": TYPED})
    html = response.content.decode()
    assert response.status_code == 200
    for raw in RAW:
        assert raw not in html
    assert ESCAPED in html  # the search box keeps what was typed, as text
