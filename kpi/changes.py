"""The change from the previous year, computed (never stored), and printed as the report does:
「(0.16↑)」, 「(3,309人↑)」, 「(→)」."""

from decimal import Decimal

from .amounts import format_amount

# Units printed after the difference in the report's arrows (counts); rates and ratios print none.
_COUNT_UNITS = {"人", "件", "世帯", "名", "カ所", "施設", "団体", "社", "事業者", "日間", "回"}


def year_change(current: Decimal | None, previous: Decimal | None) -> Decimal | None:
    """current − previous, or None when either is missing (集計中, not yet, or no baseline)."""
    if current is None or previous is None:
        return None
    return current - previous


def format_change(change: Decimal | None, *, unit: str, decimals: int) -> str:
    """「(0.16↑)」 / 「(0.3↓)」 / 「(→)」 / 「(3,309人↑)」; "" when there is no change to show."""
    if change is None:
        return ""
    if change == 0:
        return "(→)"
    arrow = "↑" if change > 0 else "↓"
    amount = format_amount(abs(change), decimals=decimals)
    suffix = unit if unit in _COUNT_UNITS else ""
    return f"({amount}{suffix}{arrow})"
