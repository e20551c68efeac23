"""Amounts (実績値, 累計, 基準値, 目標値): reading them as people type them and writing them out.

One rule for each direction, used by every page, chart, download, the year-entry screen and the
Excel import:

- **Reading** (``parse_amount``): what staff type on the entry screen and what a cell of the
  entry sheet holds are read the same way: full-width characters are normalised (「１，２３４」),
  thousands separators must be in threes (「1,234」, not 「12,34」), a Japanese minus (−, △, ▲)
  reads as a minus so that the message can say "negative" rather than "not a number", and the
  indicator's own unit may follow the number (「12人」 when the unit is 人). A number Excel stored
  as a binary float is rounded to the four places the database keeps.
- **Writing for people** (``format_amount``): pages, charts, the indicator CSV, the entry screen's
  texts and the import's messages show the indicator's decimals — rounded to them — with
  thousands separators and the unit: 「45,896人」, 「11.3%」, 「1.53」.
- **Writing exactly** (``exact_amount``): machine-readable output (the open data CSV and JSON)
  and the value put back into an input keep the stored value exactly: at least the indicator's
  decimals and never fewer than the stored value has, so nothing is rounded away (1.2340 with
  two decimals → 「1.234」; 46.0000 with one → 「46.0」). Open data has no thousands separators;
  an input has them, as people type them.
"""

import math
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

#: The places the database keeps (``kpi.models.AMOUNT``).
STORED_PLACES = 4

_NUMBER = re.compile(r"^(?P<sign>[-+]?)(?P<int>\d{1,3}(?:,\d{3})+|\d*)(?:\.(?P<frac>\d+))?$")
# Minus signs as typed in Japanese documents (△ and ▲ mark a negative amount): they are read so
# that the message says "negative", not "not a number". Full-width － becomes "-" by NFKC.
_MINUS = str.maketrans({"\u2212": "-", "\u2010": "-", "\u2013": "-", "△": "-", "▲": "-"})

NOT_A_NUMBER = _("数値で入力してください。")


def parse_amount(value, *, unit: str = "") -> Decimal | None:
    """An amount as typed or as a spreadsheet cell holds it → Decimal; blank → None.

    Text: 「１，２３４」「1,234」「12.5%」「△3」 are read; the indicator's `unit` is accepted after
    the number; anything else (「約12」, 「12,34」, 「1e3」, 「NaN」, 「100人」 when the unit is not
    人) raises ValidationError with code ``not_a_number``. A number stays a number: an int as it
    is, a float (what Excel stores) rounded to the four places the database keeps."""
    if value is None or isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise ValidationError(NOT_A_NUMBER, code="not_a_number")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValidationError(NOT_A_NUMBER, code="not_a_number")
        amount = Decimal(repr(value))
        if decimal_places(amount) > STORED_PLACES:
            amount = amount.quantize(Decimal(1).scaleb(-STORED_PLACES), rounding=ROUND_HALF_UP)
        return amount
    normal = unicodedata.normalize("NFKC", str(value)).translate(_MINUS)
    normal = "".join(normal.split())
    if not normal:
        return None
    unit = "".join(unicodedata.normalize("NFKC", unit).split())
    if unit and normal.endswith(unit):
        normal = normal[: -len(unit)]
    match = _NUMBER.match(normal)
    if match is None or not (match["int"] or match["frac"]):
        raise ValidationError(NOT_A_NUMBER, code="not_a_number")
    digits = match["int"].replace(",", "") or "0"
    if match["frac"]:
        digits += "." + match["frac"]
    try:
        return Decimal(match["sign"] + digits)
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits only digits
        raise ValidationError(NOT_A_NUMBER, code="not_a_number") from exc


def decimal_places(value: Decimal) -> int:
    """Digits after the point, trailing zeros ignored (12.50 → 1, 100 → 0)."""
    exponent = value.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def format_amount(
    value: Decimal | int | float | None, *, decimals: int, unit: str = "", grouping: bool = True
) -> str:
    """An amount for people: rounded to `decimals` places, with thousands separators unless
    `grouping` is off, then `unit`; "" for None. 45896 → 「45,896人」, 1.5300 → 「1.53」."""
    if value is None:
        return ""
    return f"{value:{',' if grouping else ''}.{decimals}f}{unit}"


def exact_amount(value: Decimal | None, *, decimals: int, grouping: bool = False) -> str:
    """An amount exactly as stored: at least `decimals` places, more when the value has them (so
    nothing is rounded away), thousands separators only if `grouping`; "" for None. For machine-
    readable output (grouping off) and for the value of an input (grouping on, so re-saving the
    form never rounds). 46.0000 with 1 → 「46.0」, 12.3450 with 1 → 「12.345」."""
    if value is None:
        return ""
    places = max(decimals, decimal_places(value))
    return f"{value:{',' if grouping else ''}.{places}f}"
