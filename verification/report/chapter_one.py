"""第1章 (why and how the strategy is verified, the 検証基準): its wording is generic for any
strategy and lives in templates/verification/report_chapter1.html, in the seed report's words.
What changes from one strategy to another is gathered here: the city (the bodies that verify are
named after it: 「根室市人口問題・少子化対策推進本部」, 「根室市創生有識者会議」), the month the
strategy was adopted, its 戦略理念 and 政策パッケージ, the number of goals and the 検証基準."""

from strategy.fiscal import japanese_month
from strategy.models import Revision, Strategy
from verification.models import GradeDefinition

from .document import ChapterOne, GoalSection


def chapter_one(
    strategy: Strategy,
    goals: list[GoalSection],
    grades: list[GradeDefinition],
    first_revision: Revision | None,
) -> ChapterOne:
    packages = [section.goal.package for section in goals if section.goal.package]
    return ChapterOne(
        city=strategy.municipality.name,
        adopted=japanese_month(first_revision.date if first_revision else None),
        philosophy=strategy.philosophy,
        packages="、".join(f"「{package}」" for package in packages),
        package_count=len(packages),
        goal_count=len(goals),
        grades=grades,
    )
