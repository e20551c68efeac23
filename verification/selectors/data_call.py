"""Reads of the yearly data call (実績の照会): the secretariat's list of calls and completion board,
one department's submission, a department member's 「自分の担当」 and the staff home's notices.

What a department owes is computed from the data, never stored: its indicators are those in
force in the call's year whose department is theirs (the indicator's own, else its measure's:
``kpi.Indicator.department_q``); each is 入力済 (a recorded result), 集計中・未集計 (a result row
saying so) or 未入力 (no row). A submission still 未着手 shows 入力中 as soon as one of its
indicators has a row for that year (``DepartmentSubmission.effective_status``): the year-entry
screen (kpi, a lower layer) never has to tell the data call that a department started.

Each function's docstring lists its queries; none grows with the number of indicators, results,
departments or submissions."""

from dataclasses import dataclass, field
from datetime import date

from kpi.models import Achievement, Indicator
from strategy.models import Department, FiscalYear, Revision, Strategy, revision_in_force

from ..models import DataCall, DepartmentSubmission, SubmissionStatus

State = Achievement.State
Status = SubmissionStatus

EMPTY = ""  # an indicator without a result row for the year

STATE_LABELS = {
    State.RECORDED: "入力済",
    State.AGGREGATING: "集計中",
    State.NOT_YET: "未集計",
    EMPTY: "未入力",
}


def effective_department_id(indicator: Indicator) -> int | None:
    """The department that enters `indicator`: its own, else its measure's (the measure must be
    loaded with the indicator); None when neither is assigned (未割当)."""
    if indicator.department_id is not None:
        return indicator.department_id
    if indicator.measure_id is not None:
        return indicator.measure.department_id
    return None


@dataclass
class IndicatorEntry:
    """One indicator of a department in one year, and how far its result has got."""

    indicator: Indicator
    state: str  # an Achievement.State, or EMPTY

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def is_recorded(self) -> bool:
        return self.state == State.RECORDED


@dataclass
class Coverage:
    """The indicators one department (None: 未割当) enters for one year, in the tree order."""

    department_id: int | None
    entries: list[IndicatorEntry] = field(default_factory=list)

    def _count(self, *states) -> int:
        return sum(1 for entry in self.entries if entry.state in states)

    @property
    def total(self) -> int:
        return len(self.entries)

    @property
    def recorded(self) -> int:
        return self._count(State.RECORDED)

    @property
    def pending(self) -> int:
        return self._count(State.AGGREGATING, State.NOT_YET)

    @property
    def empty(self) -> int:
        return self._count(EMPTY)

    @property
    def has_results(self) -> bool:
        return self.recorded + self.pending > 0

    @property
    def due(self) -> list[IndicatorEntry]:
        """What is still due: the indicators without a recorded value (no row, 集計中, 未集計)."""
        return [entry for entry in self.entries if not entry.is_recorded]


def adopted_revisions(strategy: Strategy) -> list[Revision]:
    """The strategy's adopted revisions (drafts are never in force), for ``revision_in_force``."""
    return list(strategy.revisions.exclude(status=Revision.Status.DRAFT))


def year_coverage(
    strategy: Strategy, fiscal_years: list[FiscalYear], revisions: list[Revision] | None = None
) -> dict:
    """For each of `fiscal_years` and each department (None: 未割当) with indicators in force that
    year, its ``Coverage``, keyed by (fiscal year id, department id).

    Queries: the adopted revisions (1, unless given), the indicators with their measure and
    revisions (1), the results of those years (1). None when `fiscal_years` is empty."""
    if not fiscal_years:
        return {}
    if revisions is None:
        revisions = adopted_revisions(strategy)
    indicators = list(
        Indicator.objects.filter(strategy=strategy)
        .select_related("measure", "introduced_in", "retired_in")
        .in_tree_order()
    )
    states = {
        (indicator_id, year_id): state
        for indicator_id, year_id, state in Achievement.objects.filter(
            indicator__strategy=strategy, fiscal_year__in=[fy.pk for fy in fiscal_years]
        )
        .order_by()
        .values_list("indicator_id", "fiscal_year_id", "state")
    }
    coverage: dict[tuple[int, int | None], Coverage] = {}
    for fiscal_year in fiscal_years:
        revision = revision_in_force(revisions, fiscal_year.year)
        if revision is None:
            continue
        for index, indicator in enumerate(indicators):
            indicator.tree_index = index  # the tree order across departments
            if not indicator.is_in_force_at(revision):
                continue
            key = (fiscal_year.pk, effective_department_id(indicator))
            entry = IndicatorEntry(indicator, states.get((indicator.pk, fiscal_year.pk), EMPTY))
            coverage.setdefault(key, Coverage(key[1])).entries.append(entry)
    return coverage


def empty_coverage(department_id: int | None) -> Coverage:
    return Coverage(department_id)


# --- The secretariat's pages ---------------------------------------------------------------------


def data_call_years(strategy: Strategy) -> list[FiscalYear]:
    """Every fiscal year of `strategy` with its call (``call``: None when none was opened) and,
    for a call, how many submissions are 提出済 (``submitted_count``) and 確認済
    (``accepted_count``). Queries: the years with their calls (1), the submissions' statuses (1)."""
    years = list(
        FiscalYear.objects.for_strategy(strategy).select_related(
            "data_call", "data_call__opened_by"
        )
    )
    counts: dict[tuple[int, str], int] = {}
    for call_id, status in DepartmentSubmission.objects.filter(
        call__fiscal_year__strategy=strategy
    ).values_list("call_id", "status"):
        counts[(call_id, status)] = counts.get((call_id, status), 0) + 1
    for fiscal_year in years:
        fiscal_year.call = getattr(fiscal_year, "data_call", None)
        if fiscal_year.call is not None:
            call_id = fiscal_year.call.pk
            fiscal_year.submitted_count = counts.get((call_id, Status.SUBMITTED), 0)
            fiscal_year.accepted_count = counts.get((call_id, Status.ACCEPTED), 0)
    return years


def status_of(submission: DepartmentSubmission | None, coverage: Coverage) -> str:
    """The status people see (a department without a submission row yet is 未着手 too)."""
    if submission is None:
        return Status.IN_PROGRESS if coverage.has_results else Status.NOT_STARTED
    return submission.effective_status(coverage.has_results)


@dataclass
class BoardRow:
    """One department (None: 未割当) on the completion board."""

    department: Department | None
    submission: DepartmentSubmission | None
    coverage: Coverage
    overdue: bool = False

    @property
    def status(self) -> str:
        return status_of(self.submission, self.coverage)

    @property
    def status_label(self) -> str:
        return Status(self.status).label

    @property
    def can_accept(self) -> bool:
        return self.status == Status.SUBMITTED


@dataclass
class Board:
    fiscal_year: FiscalYear
    call: DataCall | None
    rows: list[BoardRow] = field(default_factory=list)
    unassigned: Coverage | None = None

    @property
    def status_counts(self) -> list[tuple[str, int]]:
        """(status label, number of departments) in the order of the cycle."""
        order = [Status.NOT_STARTED, Status.IN_PROGRESS, Status.SUBMITTED, Status.RETURNED]
        order.append(Status.ACCEPTED)
        return [(s.label, sum(1 for row in self.rows if row.status == s)) for s in order]

    @property
    def overdue_count(self) -> int:
        return sum(1 for row in self.rows if row.overdue)


def data_call_board(strategy: Strategy, fiscal_year: FiscalYear, *, today: date) -> Board:
    """The completion board of `fiscal_year` (read with its ``data_call``): every department of the
    municipality with its submission, status, indicators entered / 集計中・未集計 / 未入力 and
    whether it is overdue, and the 未割当 indicators no department enters.

    Queries: the departments (1), the call's submissions with who submitted and reviewed (1),
    ``year_coverage`` (3)."""
    call = getattr(fiscal_year, "data_call", None)
    board = Board(fiscal_year, call)
    departments = list(Department.objects.filter(municipality_id=strategy.municipality_id))
    submissions = {}
    if call is not None:
        submissions = {
            s.department_id: s
            for s in call.submissions.select_related("submitted_by", "reviewed_by")
        }
    coverage = year_coverage(strategy, [fiscal_year])
    for department in departments:
        row = BoardRow(
            department,
            submissions.get(department.pk),
            coverage.get((fiscal_year.pk, department.pk)) or empty_coverage(department.pk),
        )
        if row.submission is not None:
            row.submission.call = call
        row.overdue = (
            call is not None
            and call.is_open
            and call.deadline < today
            and row.status not in (Status.SUBMITTED, Status.ACCEPTED)
        )
        board.rows.append(row)
    board.unassigned = coverage.get((fiscal_year.pk, None)) or empty_coverage(None)
    return board


# --- One department's submission -----------------------------------------------------------------


@dataclass
class SubmissionPage:
    call: DataCall
    department: Department
    submission: DepartmentSubmission | None
    coverage: Coverage
    transitions: list = field(default_factory=list)
    today: date | None = None

    @property
    def status(self) -> str:
        return status_of(self.submission, self.coverage)

    @property
    def status_label(self) -> str:
        return Status(self.status).label

    @property
    def overdue(self) -> bool:
        return (
            self.call.is_open
            and self.today is not None
            and self.call.deadline < self.today
            and self.status not in (Status.SUBMITTED, Status.ACCEPTED)
        )

    @property
    def can_submit(self) -> bool:
        return self.call.is_open and self.status not in (Status.SUBMITTED, Status.ACCEPTED)

    @property
    def can_accept(self) -> bool:
        return self.call.is_open and self.status == Status.SUBMITTED

    @property
    def can_return(self) -> bool:
        return self.call.is_open and self.status in (Status.SUBMITTED, Status.ACCEPTED)

    @property
    def returned_comment(self) -> str:
        if self.submission is not None and self.submission.status == Status.RETURNED:
            return self.submission.comment
        return ""


def submission_page(
    strategy: Strategy, call: DataCall, department: Department, *, today: date
) -> SubmissionPage:
    """One department's submission to `call` (its fiscal year loaded): status, the indicators it
    enters with their state, and the log of every change (oldest first, with who made it).

    Queries: the submission (1), its log with users (1), ``year_coverage`` (3)."""
    submission = (
        DepartmentSubmission.objects.filter(call=call, department=department)
        .select_related("submitted_by", "reviewed_by")
        .first()
    )
    transitions = []
    if submission is not None:
        submission.call = call
        transitions = list(submission.transitions.select_related("user"))
    coverage = year_coverage(strategy, [call.fiscal_year])
    return SubmissionPage(
        call,
        department,
        submission,
        coverage.get((call.fiscal_year_id, department.pk)) or empty_coverage(department.pk),
        transitions,
        today,
    )


# --- 自分の担当 ------------------------------------------------------------------------------------


def my_tasks(strategy: Strategy, department_ids, *, today: date) -> list["SubmissionPage"]:
    """For every open call of `strategy` (oldest year first) and every one of the member's
    departments (`department_ids`), what is due: the department's indicators without a recorded
    value, the deadline, the status and the secretariat's comment when returned.

    Queries: the open calls with their years (1), the departments (1), their submissions (1),
    ``year_coverage`` (3) — none of the last four without an open call and a department."""
    calls = list(
        DataCall.objects.open()
        .filter(fiscal_year__strategy=strategy)
        .select_related("fiscal_year")
        .order_by("fiscal_year__year")
    )
    if not calls or not department_ids:
        return []
    departments = list(
        Department.objects.filter(municipality_id=strategy.municipality_id, pk__in=department_ids)
    )
    submissions = {
        (s.call_id, s.department_id): s
        for s in DepartmentSubmission.objects.filter(call__in=calls, department__in=departments)
    }
    coverage = year_coverage(strategy, [call.fiscal_year for call in calls])
    tasks = []
    for call in calls:
        for department in departments:
            submission = submissions.get((call.pk, department.pk))
            if submission is not None:
                submission.call = call
            tasks.append(
                SubmissionPage(
                    call,
                    department,
                    submission,
                    coverage.get((call.fiscal_year_id, department.pk))
                    or empty_coverage(department.pk),
                    today=today,
                )
            )
    return tasks


# --- The staff home's notices ----------------------------------------------------------------------


@dataclass
class CallNotice:
    """An open call on the staff home: its deadline and, for a department member, the status
    of each of their departments (with the comment of a return); for the secretariat, how many
    departments have submitted (awaiting confirmation) and how many are overdue."""

    call: DataCall
    overdue: bool
    mine: list[DepartmentSubmission] = field(default_factory=list)
    awaiting: int = 0
    overdue_departments: int = 0
    show_summary: bool = False

    @property
    def returned(self) -> list[DepartmentSubmission]:
        return [s for s in self.mine if s.status == Status.RETURNED]


def home_notices(strategies, *, departments: dict, summaries: set, today: date) -> dict:
    """The staff home's notices, keyed by strategy id: every open call of the strategies where the
    user is a department member (`departments`: strategy id → their department ids; the status
    of each, with the comment of a return) or the secretariat (`summaries`: strategy ids; how
    many departments await confirmation and how many are overdue). Nobody else gets notices.

    Queries: the open calls with their years (1), their submissions with the departments and
    whether each has results (1); none when the user has no such strategy."""
    wanted = [s for s in strategies if s.pk in departments or s.pk in summaries]
    if not wanted:
        return {}
    calls = list(
        DataCall.objects.open()
        .filter(fiscal_year__strategy__in=wanted)
        .select_related("fiscal_year")
        .order_by("fiscal_year__year")
    )
    if not calls:
        return {}
    by_call: dict[int, list[DepartmentSubmission]] = {}
    for submission in (
        DepartmentSubmission.objects.filter(call__in=calls)
        .with_started()
        .select_related("department")
    ):
        by_call.setdefault(submission.call_id, []).append(submission)
    notices: dict[int, list[CallNotice]] = {}
    for call in calls:
        strategy_id = call.fiscal_year.strategy_id
        notice = CallNotice(call, overdue=call.deadline < today)
        everyone = by_call.get(call.pk, [])
        mine = departments.get(strategy_id, set())
        for submission in everyone:
            submission.call = call
            if submission.department_id in mine:
                notice.mine.append(submission)
        if strategy_id in summaries:
            notice.show_summary = True
            notice.awaiting = sum(1 for s in everyone if s.status == Status.SUBMITTED)
            notice.overdue_departments = sum(1 for s in everyone if s.is_overdue(today))
        notices.setdefault(strategy_id, []).append(notice)
    return notices
