"""The glitches issue 13 lists, each with a test: a note printed twice, 記録した職員 shown as an id,
the indicator CSV named by a database id, axes_reset in English."""

import datetime
from io import StringIO

from django.core.management import call_command
from django.urls import reverse

from kpi.models import Achievement
from kpi.views.indicator import attachment_header
from verification.models import PanelReview
from verification.selectors.changes import recent_changes_page

SLUG = "nemuro-sousei-2015"
LATER = datetime.datetime(2040, 3, 31, 15, 30, tzinfo=datetime.UTC)


def test_the_recorded_by_field_names_the_staff_member_not_an_id(nemuro, secretariat):
    secretariat.first_name = "根室花子"
    secretariat.save()
    review = PanelReview.objects.filter(goal__strategy=nemuro).first()
    review.recorded_by = secretariat
    review._history_user = secretariat
    review._history_date = LATER
    review.save()
    [change] = recent_changes_page(nemuro, per_page=1).object_list
    fields = {f.label: (f.old, f.new) for f in change.fields}
    assert fields["記録した職員"][1] == "根室花子"
    assert not any(new.startswith("#") for _, new in fields.values())


def test_the_indicator_csv_is_named_by_municipality_and_indicator_code(client, nemuro):
    url = reverse("kpi:indicator_csv", kwargs={"slug": SLUG, "code": "G1-1"})
    response = client.get(url)
    assert response["Content-Disposition"] == 'attachment; filename="012238_G1-1.csv"'


def test_a_non_ascii_code_gets_an_rfc_5987_name_with_an_ascii_fallback(client, nemuro):
    url = reverse("kpi:indicator_csv", kwargs={"slug": SLUG, "code": "3ウ①-1"})
    response = client.get(url)
    assert response["Content-Disposition"] == (
        "attachment; filename=\"012238_3__-1.csv\"; filename*=UTF-8''012238_3%E3%82%A6%E2%91%A0-1.csv"
    )
    assert (
        attachment_header('a"b.csv')
        == "attachment; filename=\"a_b.csv\"; filename*=UTF-8''a%22b.csv"
    )


def test_axes_reset_speaks_japanese(db):
    out = StringIO()
    call_command("axes_reset", stdout=out)
    assert out.getvalue().strip() == "ログイン失敗の記録はありません。"


def test_a_printed_text_with_its_note_shows_the_note_once(client, nemuro):
    achievement = (
        Achievement.objects.filter(indicator__strategy=nemuro, text__contains="(地域課題あり)")
        .select_related("indicator")
        .first()
    )
    assert achievement is not None
    url = reverse("kpi:indicator", kwargs={"slug": SLUG, "code": achievement.indicator.code})
    html = client.get(url).content.decode()
    assert "(地域課題あり)(地域課題あり)" not in html
    assert "(地域課題あり)</span>(地域課題あり)" not in html
    assert html.count("地域課題あり") >= 1
