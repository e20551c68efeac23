"""Load the transcription of the seed documents (``fixtures/<name>/*.yaml``) into the database.

Every row is found by its natural key and created, updated or left alone, so loading twice
changes nothing. Every row goes through ``full_clean()`` first: the fixtures obey the same rules
as anything a user enters. The format is described in ``fixtures/SCHEMA.md``.
"""

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import yaml
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from kpi.models import Achievement, Indicator
from kpi.plausibility import bound_shares
from strategy.models import (
    Amendment,
    BasicGoal,
    FiscalYear,
    GoalDirection,
    Measure,
    Municipality,
    Policy,
    PopulationFigure,
    Project,
    ProjectListing,
    ProjectOutput,
    ProjectOutputLine,
    Revision,
    Strategy,
)
from strategy.services import fiscal_years_sync
from verification.models import (
    GradeDefinition,
    GradingPolicy,
    InternalReview,
    PanelOpinion,
    PanelReview,
    VerificationReport,
)
from verification.services import fiscal_year_publish

FIXTURES_DIR = Path(__file__).resolve().parent.parent.parent / "fixtures"


class SeedError(Exception):
    """The fixture is inconsistent (an unknown code, a missing field)."""


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    return Decimal(str(value).replace(",", ""))


def _text(value) -> str:
    return "" if value is None else str(value)


_RANK = {"unchanged": 0, "updated": 1, "created": 2}


@dataclass
class SeedReport:
    """What a load did to each row: created, updated or unchanged (a row touched twice, as when a
    successor gets its predecessor, counts once, by its strongest outcome)."""

    outcomes: dict = field(default_factory=dict)

    def tally(self, obj, outcome: str) -> None:
        key = (obj._meta.verbose_name_plural, obj.pk)
        if _RANK[outcome] >= _RANK.get(self.outcomes.get(key), -1):
            self.outcomes[key] = outcome

    @property
    def counts(self) -> Counter:
        return Counter((name, outcome) for (name, _pk), outcome in self.outcomes.items())

    @property
    def changed(self) -> int:
        return sum(1 for outcome in self.outcomes.values() if outcome != "unchanged")

    def lines(self) -> list[str]:
        counts = self.counts
        names = sorted({name for name, _ in counts}, key=str)
        out = []
        for name in names:
            created = counts[(name, "created")]
            updated = counts[(name, "updated")]
            unchanged = counts[(name, "unchanged")]
            total = created + updated + unchanged
            out.append(f"{name}: {total}件（新規 {created}・更新 {updated}・変更なし {unchanged}）")
        return out


class Loader:
    def __init__(self, directory: Path):
        self.directory = directory
        self.report = SeedReport()
        self.revisions: dict[str, Revision] = {}
        self.measures: dict[str, Measure] = {}
        self.indicators: dict[str, Indicator] = {}
        self.goals: dict[int, BasicGoal] = {}
        self.projects: dict[str, Project] = {}
        self.listings: dict[str, ProjectListing] = {}
        self.years: dict[int, FiscalYear] = {}
        self.pending_replaces: list[tuple[models.Model, str, dict]] = []
        self.pending_amendments: list[tuple[models.Model, list]] = []

    # -- generic upsert --------------------------------------------------------------------
    def upsert(self, model, lookup: dict, values: dict):
        obj = model.objects.filter(**lookup).first()
        if obj is None:
            obj = model(**lookup, **values)
            obj.full_clean()
            obj.save()
            self.report.tally(obj, "created")
            return obj
        changed = False
        for name, value in values.items():
            current = getattr(obj, name)
            if isinstance(value, models.Model) or isinstance(current, models.Model):
                same = getattr(current, "pk", None) == getattr(value, "pk", None)
            elif isinstance(value, Decimal) and current is not None:
                same = Decimal(current) == value
            else:
                same = current == value
            if not same:
                setattr(obj, name, value)
                changed = True
        if changed:
            obj.full_clean()
            obj.save()
            self.report.tally(obj, "updated")
        else:
            self.report.tally(obj, "unchanged")
        return obj

    def read(self, name: str):
        path = self.directory / name
        if not path.exists():
            raise SeedError(f"{path} がありません。")
        with path.open(encoding="utf-8") as handle:
            return yaml.safe_load(handle)

    def revision(self, key, default: Revision | None = None) -> Revision | None:
        if key is None:
            return default
        try:
            return self.revisions[key]
        except KeyError as exc:
            raise SeedError(f"未知の版 {key!r}") from exc

    def life(self, data: dict, default: Revision) -> dict:
        return {
            "introduced_in": self.revision(data.get("introduced"), default),
            "retired_in": self.revision(data.get("retired")),
        }

    def remember(self, obj, data: dict) -> None:
        if data.get("replaces"):
            self.pending_replaces.append((obj, data["replaces"], data))
        if data.get("amendments"):
            self.pending_amendments.append((obj, data["amendments"]))

    # -- strategy --------------------------------------------------------------------------
    def load_strategy(self) -> Strategy:
        data = self.read("strategy.yaml")
        m = data["municipality"]
        municipality = self.upsert(
            Municipality,
            {"code": str(m["code"])},
            {"prefecture": m["prefecture"], "name": m["name"]},
        )
        s = data["strategy"]
        strategy = self.upsert(
            Strategy,
            {"slug": s["slug"]},
            {
                "municipality": municipality,
                "name": s["name"],
                "philosophy": _text(s.get("philosophy")),
                "first_fiscal_year": int(s["first_fiscal_year"]),
                "last_fiscal_year": int(s["last_fiscal_year"]),
                "is_default": bool(s.get("is_default", False)),
            },
        )
        for fiscal_year in fiscal_years_sync(strategy=strategy):
            self.years[fiscal_year.year] = fiscal_year
        for r in data["revisions"]:
            self.revisions[r["key"]] = self.upsert(
                Revision,
                {"strategy": strategy, "sequence": int(r["sequence"])},
                {
                    "status": r["status"],
                    "title": r["title"],
                    "date": r.get("date"),
                    "first_fiscal_year": r.get("first_fiscal_year"),
                    "note": _text(r.get("note")).strip(),
                },
            )
        first = self.revisions[data["revisions"][0]["key"]]
        if data.get("grading_policy"):
            g = data["grading_policy"]
            self.upsert(
                GradingPolicy,
                {"strategy": strategy},
                {
                    "a_min": _decimal(g["a_min"]),
                    "b_min": _decimal(g["b_min"]),
                    "c_min": _decimal(g["c_min"]),
                },
            )
        for g in data.get("grades", []):
            self.upsert(
                GradeDefinition,
                {"strategy": strategy, "grade": g["grade"]},
                {"label": g["label"], "description": g["description"]},
            )
        for goal_data in data["goals"]:
            self.load_goal(strategy, goal_data, first)
        self.resolve_replaces()
        self.load_amendments()
        return strategy

    def load_goal(self, strategy: Strategy, data: dict, first: Revision) -> None:
        life = self.life(data, first)
        notes = data.get("notes") or []
        goal = self.upsert(
            BasicGoal,
            {"strategy": strategy, "number": int(data["number"])},
            {
                "title": data["title"],
                "package": _text(data.get("package")),
                "notes": "\n\n".join(str(n).strip() for n in notes),
                **life,
            },
        )
        self.goals[goal.number] = goal
        self.remember(goal, data)
        for position, d in enumerate(data.get("directions", []), start=1):
            direction = self.upsert(
                GoalDirection,
                {"goal": goal, "position": position},
                {"text": d["text"].strip(), **self.life(d, life["introduced_in"])},
            )
            self.remember(direction, d)
        for position, i in enumerate(data.get("indicators", []), start=1):
            self.load_indicator(
                strategy, goal, None, int(i.get("number", position)), i, life["introduced_in"]
            )
        for position, p in enumerate(data.get("policies", []), start=1):
            p_life = self.life(p, life["introduced_in"])
            policy = self.upsert(
                Policy,
                {"strategy": strategy, "code": p["code"]},
                {
                    "goal": goal,
                    "letter": p["letter"],
                    "position": position,
                    "name": p["name"],
                    **p_life,
                },
            )
            self.remember(policy, p)
            for m in p.get("measures", []):
                self.load_measure(strategy, goal, policy, m, p_life["introduced_in"])

    def load_measure(self, strategy, goal, policy, data: dict, default: Revision) -> None:
        life = self.life(data, default)
        measure = self.upsert(
            Measure,
            {"strategy": strategy, "code": data["code"]},
            {
                "policy": policy,
                "number": int(data["number"]),
                "name": data["name"],
                "description": _text(data.get("description")).strip(),
                **life,
            },
        )
        self.measures[measure.code] = measure
        self.remember(measure, data)
        for position, i in enumerate(data.get("indicators", []), start=1):
            self.load_indicator(strategy, goal, measure, position, i, life["introduced_in"])
        for position, row in enumerate(data.get("listings", []), start=1):
            name = row["project"].strip()
            if name not in self.projects:
                self.projects[name] = self.upsert(Project, {"strategy": strategy, "name": name}, {})
            listing = self.upsert(
                ProjectListing,
                {"measure": measure, "position": position},
                {
                    "project": self.projects[name],
                    "category": _text(row.get("category")).strip(),
                    "content": _text(row.get("content")).strip(),
                    "partner": _text(row.get("partner")).strip(),
                    "reprint": bool(row.get("reprint", False)),
                    **self.life(row, life["introduced_in"]),
                },
            )
            self.listings[f"{measure.code}/{name}"] = listing
            self.remember(listing, row)

    def load_indicator(
        self, strategy, goal, measure, position, data: dict, default: Revision
    ) -> None:
        baseline = data.get("baseline") or {}
        target = data.get("target") or {}
        indicator = self.upsert(
            Indicator,
            {"strategy": strategy, "code": data["code"]},
            {
                "goal": goal,
                "measure": measure,
                "position": position,
                "name": data["name"].strip(),
                "unit": _text(data.get("unit")),
                "decimals": int(data.get("decimals", 0)),
                "direction": data["direction"],
                "kind": data["kind"],
                "baseline_value": _decimal(baseline.get("value")),
                "baseline_text": _text(baseline.get("text")),
                "baseline_label": _text(baseline.get("label")) or "策定時",
                "baseline_note": _text(baseline.get("note")),
                "baseline_data_year": baseline.get("data_year"),
                "baseline_derived": bool(baseline.get("derived", False)),
                "target_value": _decimal(target.get("value")),
                "target_text": _text(target.get("text")),
                "target_fiscal_year": target.get("fiscal_year"),
                "footnote": _text(data.get("footnote")).strip(),
                **self.life(data, default),
            },
        )
        self.indicators[indicator.code] = indicator
        self.remember(indicator, data)

    def resolve_replaces(self) -> None:
        for obj, key, _data in self.pending_replaces:
            if isinstance(obj, Indicator):
                predecessor = self.indicators.get(key)
            elif isinstance(obj, ProjectListing):
                predecessor = self.listings.get(key)
            elif isinstance(obj, Measure):
                predecessor = self.measures.get(key)
            else:
                predecessor = None
            if predecessor is None:
                raise SeedError(f"{obj} の replaces {key!r} が見つかりません。")
            self.upsert(type(obj), {"pk": obj.pk}, {"predecessor": predecessor})

    def load_amendments(self) -> None:
        for obj, amendments in self.pending_amendments:
            content_type = ContentType.objects.get_for_model(obj)
            by_field: dict[str, list[dict]] = {}
            for a in amendments:
                by_field.setdefault(a["field"], []).append(a)
            for field_name, items in by_field.items():
                obj._meta.get_field(field_name)  # raises for a misspelt field
                items = sorted(items, key=lambda a: self.revision(a["revision"]).sequence)
                for index, a in enumerate(items):
                    new = (
                        items[index + 1]["old"]
                        if index + 1 < len(items)
                        else getattr(obj, field_name)
                    )
                    self.upsert(
                        Amendment,
                        {
                            "revision": self.revision(a["revision"]),
                            "content_type": content_type,
                            "object_id": obj.pk,
                            "field": field_name,
                        },
                        {"old_value": _text(a["old"]).strip(), "new_value": _text(new).strip()},
                    )

    # -- population ------------------------------------------------------------------------
    def load_population(self, strategy: Strategy) -> None:
        data = self.read("population.yaml")
        for f in data["figures"]:
            self.upsert(
                PopulationFigure,
                {
                    "strategy": strategy,
                    "series": f["series"],
                    "year": int(f["year"]),
                    "metric": f["metric"],
                },
                {"value": _decimal(f["value"]), "share": _decimal(f.get("share"))},
            )

    # -- the yearly report -----------------------------------------------------------------
    def year(self, value) -> FiscalYear:
        try:
            return self.years[int(value)]
        except (KeyError, ValueError) as exc:
            raise SeedError(f"計画期間外の年度 {value!r}") from exc

    def load_report(self, strategy: Strategy, name: str) -> None:
        data = self.read(name)
        r = data["report"]
        report_year = self.year(r["fiscal_year"])
        start, end = (self.year(y) for y in r["output_period"])
        self.upsert(
            VerificationReport,
            {"fiscal_year": report_year},
            {
                "title": r["title"],
                "date_text": _text(r.get("date_text")),
                "output_period_start": start,
                "output_period_end": end,
            },
        )
        for y in r.get("published_years", []):
            fiscal_year = self.year(y)
            if fiscal_year.published_at is None and not fiscal_year.publications.exists():
                record = fiscal_year_publish(
                    fiscal_year=fiscal_year,
                    reason=f"種データ（{r['title']}）の対象年度",
                    confirmed=True,
                )
                self.report.tally(record, "created")
            else:
                self.report.tally(fiscal_year, "unchanged")
        for a in data.get("achievements", []):
            indicator = self.indicators.get(a["indicator"])
            if indicator is None:
                raise SeedError(f"未知の指標コード {a['indicator']!r}")
            self.upsert(
                Achievement,
                {"indicator": indicator, "fiscal_year": self.year(a["fiscal_year"])},
                {
                    "state": a.get("state", Achievement.State.RECORDED),
                    "value": _decimal(a.get("value")),
                    "cumulative": _decimal(a.get("cumulative")),
                    "note": _text(a.get("note")),
                    "data_year": a.get("data_year"),
                    "text": _text(a.get("text")),
                },
            )
        for v in data.get("internal_reviews", []):
            self.upsert(
                InternalReview,
                {"measure": self.measure(v["measure"]), "fiscal_year": self.year(v["fiscal_year"])},
                {
                    "grade": v["grade"],
                    "grade_note": _text(v.get("grade_note")),
                    "issues": _text(v.get("issues")).strip(),
                },
            )
        for v in data.get("panel_reviews", []):
            review = self.upsert(
                PanelReview,
                {"goal": self.goals[int(v["goal"])], "fiscal_year": self.year(v["fiscal_year"])},
                {
                    "grade": v["grade"],
                    "supplementary_opinion": _text(v.get("supplementary")).strip(),
                },
            )
            opinions = v.get("opinions") or []
            for position, text in enumerate(opinions, start=1):
                self.upsert(
                    PanelOpinion, {"review": review, "position": position}, {"text": text.strip()}
                )
            review.opinions.filter(position__gt=len(opinions)).delete()
        for position, o in enumerate(data.get("project_outputs", []), start=1):
            project_name = o["project"].strip()
            project = self.projects.get(project_name)
            if project is None:
                raise SeedError(f"戦略の事業表にない事業名 {project_name!r}（{o.get('title')}）")
            output = self.upsert(
                ProjectOutput,
                {"fiscal_year": report_year, "position": position},
                {
                    "measure": self.measure(o["measure"]),
                    "project": project,
                    "period_start": start,
                    "period_end": end,
                    "number": _text(o.get("number")),
                    "title": o["title"].strip(),
                    "note": _text(o.get("note")),
                    "reprint": bool(o.get("reprint", False)),
                    "private_sector": bool(o.get("private", False)),
                    "purpose": _text(o.get("purpose")).strip(),
                    "content": _text(o.get("content")).strip(),
                },
            )
            lines = o.get("outputs") or []
            for line_position, line in enumerate(lines, start=1):
                self.upsert(
                    ProjectOutputLine,
                    {"output": output, "position": line_position},
                    {
                        "label": _text(line.get("label")).strip(),
                        "text": _text(line.get("text")).strip(),
                        "value": _decimal(line.get("value")),
                        "unit": _text(line.get("unit")),
                    },
                )
            output.lines.filter(position__gt=len(lines)).delete()

    def measure(self, code: str) -> Measure:
        try:
            return self.measures[code]
        except KeyError as exc:
            raise SeedError(f"未知の施策コード {code!r}") from exc


@transaction.atomic
def seed_load(*, name: str = "nemuro", directory: Path | None = None) -> SeedReport:
    """Load one strategy's fixtures (``fixtures/<name>/``). All or nothing."""
    loader = Loader(directory or FIXTURES_DIR / name)
    strategy = loader.load_strategy()
    # the default plausibility rule (kpi.plausibility): shares between 0 and 100 %, as migration
    # 0009 gives the indicators that existed before it; never changes bounds already set
    bound_shares(Indicator.objects.filter(strategy=strategy))
    loader.load_population(strategy)
    for path in sorted(loader.directory.glob("report_*.yaml")):
        loader.load_report(strategy, path.name)
    return loader.report
