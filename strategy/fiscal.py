"""Japanese fiscal years (年度) as people read them: H28 / 平成28年度.

A fiscal year is stored as the Western year in which it starts (1 April): FY2016 = 平成28年度.
The era is the one in force on 1 April of that year, so FY2019 is 平成31年度 (令和元年度 from
1 May 2019) and FY2020 is 令和2年度.
"""

import datetime
import re
from dataclasses import dataclass

_ERAS = (
    # (first fiscal year of the era, letter, name, offset such that era year = year - offset)
    (2020, "R", "令和", 2018),
    (1989, "H", "平成", 1988),
    (1926, "S", "昭和", 1925),
)


@dataclass(frozen=True)
class EraYear:
    letter: str
    name: str
    number: int

    @property
    def number_text(self) -> str:
        return "元" if self.number == 1 else str(self.number)


def era_of(year: int) -> EraYear:
    for first, letter, name, offset in _ERAS:
        if year >= first:
            return EraYear(letter, name, year - offset)
    raise ValueError(f"{year} is before the eras this system knows")


def short_label(year: int) -> str:
    """'H28' for 2016, 'R2' for 2020."""
    era = era_of(year)
    return f"{era.letter}{era.number}"


def long_label(year: int) -> str:
    """'平成28年度' for 2016; '平成31年度（令和元年度）' for 2019, the year the era changed."""
    era = era_of(year)
    text = f"{era.name}{era.number_text}年度"
    if year == 2019:
        text += "（令和元年度）"
    return text


def fiscal_year_from_label(label: str) -> int:
    """Inverse of short_label: 'H28' → 2016. Raises ValueError for anything else."""
    label = label.strip().upper()
    for _first, letter, _name, offset in _ERAS:
        if label.startswith(letter) and label[1:].isdigit():
            return int(label[1:]) + offset
    raise ValueError(f"{label!r} is not a fiscal year label such as H28")


_ERA_TEXT = re.compile(r"(令和|平成|昭和)(\d+|元)年?度?")


def fiscal_year_from_text(text: str) -> int:
    """A fiscal year as people write it in a sheet: 'H28', '平成28年度', '平成31年度(令和元年度)',
    '令和元年度', '2016' or '2016年度' → 2016. Raises ValueError for anything else."""
    text = re.sub(r"[（(].*[）)]$", "", text.replace(" ", "").replace("\u3000", ""))
    if text.removesuffix("年度").isdigit():
        return int(text.removesuffix("年度"))
    match = _ERA_TEXT.fullmatch(text)
    if match:
        number = 1 if match[2] == "元" else int(match[2])
        offset = next(offset for _first, _letter, name, offset in _ERAS if name == match[1])
        return number + offset
    return fiscal_year_from_label(text)


# The day each era began (the calendar date, not the fiscal year).
_ERA_START_DATES = (
    (datetime.date(2019, 5, 1), "令和", 2018),
    (datetime.date(1989, 1, 8), "平成", 1988),
)


def japanese_month(date: datetime.date | None) -> str:
    """A calendar month in the era of that day: 「平成27年10月」, 「令和元年5月」 ("" for None)."""
    if date is None:
        return ""
    for start, name, offset in _ERA_START_DATES:
        if date >= start:
            number = date.year - offset
            return f"{name}{'元' if number == 1 else number}年{date.month}月"
    return f"{date.year}年{date.month}月"
