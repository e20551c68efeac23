"""What a service refuses comes back on the form that sent it: next to the field it names when the
form has that field, else above the form (one helper for the internal-review and panel pages)."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from verification.forms import InternalReviewForm, PanelRecordForm, add_service_errors


def bound(form_class, data, **kwargs):
    form = form_class(data, **kwargs)
    assert form.is_valid(), form.errors
    return form


def test_an_error_on_a_field_the_form_has_goes_next_to_that_field():
    form = bound(InternalReviewForm, {"grade": "C", "issues": "課題"})
    add_service_errors(
        form, ValidationError({"issues": ValidationError("短すぎます。", code="too_short")})
    )
    assert form.errors["issues"] == ["短すぎます。"]
    assert form.has_error("issues", code="too_short")
    assert "issues" not in form.cleaned_data


def test_an_error_on_a_field_the_form_lacks_goes_above_the_form():
    form = bound(PanelRecordForm, {"record-grade": "A"}, prefix="record")
    add_service_errors(
        form,
        ValidationError(
            {
                "fiscal_year": ValidationError("別の総合戦略の年度です。", code="other_strategy"),
                "grade": ValidationError("検証結果を確認してください。", code="bad"),
            }
        ),
    )
    assert form.non_field_errors() == ["別の総合戦略の年度です。"]
    assert form.has_error(NON_FIELD_ERRORS, code="other_strategy")
    assert form.errors["grade"] == ["検証結果を確認してください。"]


def test_an_error_without_a_field_goes_above_the_form():
    form = bound(PanelRecordForm, {"record-grade": "B"}, prefix="record")
    add_service_errors(
        form, ValidationError("基本目標1は平成28年度の総合戦略に含まれていません。", code="x")
    )
    assert form.non_field_errors() == ["基本目標1は平成28年度の総合戦略に含まれていません。"]
    assert list(form.errors) == [NON_FIELD_ERRORS]
