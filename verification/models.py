"""効果検証: the 推進本部's internal verdicts per measure, the 有識者会議's verdicts per goal, the grade
scale (検証基準) and the yearly report's own details."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kpi.models import Achievement
from strategy.models import BasicGoal, FiscalYear, Measure, Strategy


class Grade(models.TextChoices):
    A = "A", _("A 順調に進んでいる")
    B = "B", _("B 概ね順調に進んでいる")
    C = "C", _("C やや遅れている")
    D = "D", _("D 遅れている")


def grade_field(**kwargs):
    return models.CharField(_("検証結果"), max_length=1, choices=Grade.choices, **kwargs)


def grade_constraint(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(grade__in=Grade.values),
        name=name,
        violation_error_code="grade_invalid",
        violation_error_message=_("検証結果は A・B・C・D のいずれかです。"),
    )


def check_same_strategy(node_strategy_id, fiscal_year: FiscalYear, field: str) -> None:
    if node_strategy_id != fiscal_year.strategy_id:
        raise ValidationError({field: _("別の総合戦略の年度です。")}, code="other_strategy")


def opinion_lines(text: str) -> list[str]:
    """意見等 typed one per line (a draft stores them so): blank lines dropped, each line trimmed."""
    return [line.strip() for line in text.splitlines() if line.strip()]


class ReviewQuerySet(models.QuerySet):
    def published(self):
        """Verdicts of published years only: what public pages may show."""
        return self.filter(fiscal_year__published_at__isnull=False)


class GradeDefinition(models.Model):
    """検証基準: what each grade means in this strategy's verification."""

    strategy = models.ForeignKey(
        Strategy,
        on_delete=models.CASCADE,
        related_name="grade_definitions",
        verbose_name=_("総合戦略"),
    )
    grade = grade_field()
    label = models.CharField(_("区分"), max_length=50)
    description = models.TextField(_("考え方"))

    scope_path = "strategy__municipality"

    history = HistoricalRecords(verbose_name=_("検証基準の変更履歴"))

    class Meta:
        verbose_name = _("検証基準")
        verbose_name_plural = _("検証基準")
        ordering = ["strategy", "grade"]
        constraints = [
            models.UniqueConstraint(
                fields=["strategy", "grade"],
                name="grade_definition_unique",
                violation_error_code="grade_definition_exists",
                violation_error_message=_("この総合戦略のこの検証基準は既に登録されています。"),
            ),
            grade_constraint("grade_definition_grade_valid"),
        ]

    def __str__(self):
        return f"{self.grade} {self.label}"


class InternalReview(models.Model):
    """根室市人口問題・少子化対策推進本部 (内部検証): one verdict per measure per year."""

    measure = models.ForeignKey(
        Measure,
        on_delete=models.PROTECT,
        related_name="internal_reviews",
        verbose_name=_("施策の基本的方向"),
    )
    fiscal_year = models.ForeignKey(
        FiscalYear,
        on_delete=models.PROTECT,
        related_name="internal_reviews",
        verbose_name=_("対象年度"),
    )
    grade = grade_field()
    grade_note = models.CharField(
        _("検証結果の注記"),
        max_length=200,
        blank=True,
        help_text=_("例: ※平成30年度以降の取組みを予定"),
    )
    issues = models.TextField(_("今後の課題と対応方向"), blank=True)
    reference_grade = models.CharField(
        _("参考評価"),
        max_length=1,
        choices=Grade.choices,
        blank=True,
        help_text=_("記録した時点の達成度から算出した参考の評価（算出できない場合は空欄）。"),
    )
    departure_reason = models.TextField(
        _("参考評価と異なる理由"),
        blank=True,
        help_text=_("検証結果が参考評価と異なる場合に記入します。"),
    )
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    objects = ReviewQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("内部検証結果の変更履歴"))

    scope_path = "measure__strategy__municipality"

    class Meta:
        verbose_name = _("内部検証結果")
        verbose_name_plural = _("内部検証結果")
        ordering = ["measure", "fiscal_year__year"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "fiscal_year"],
                name="internal_review_one_per_year",
                violation_error_code="internal_review_exists",
                violation_error_message=_(
                    "この施策のこの年度の内部検証結果は既に登録されています。"
                ),
            ),
            grade_constraint("internal_review_grade_valid"),
        ]

    def __str__(self):
        return f"{self.measure.code} {self.fiscal_year} {self.grade}"

    def clean(self):
        super().clean()
        if self.measure_id and self.fiscal_year_id:
            check_same_strategy(self.measure.strategy_id, self.fiscal_year, "fiscal_year")


class PanelReview(models.Model):
    """根室市創生有識者会議 (外部検証): one verdict per goal per year, with 付帯意見 and opinions."""

    goal = models.ForeignKey(
        BasicGoal,
        on_delete=models.PROTECT,
        related_name="panel_reviews",
        verbose_name=_("基本目標"),
    )
    fiscal_year = models.ForeignKey(
        FiscalYear,
        on_delete=models.PROTECT,
        related_name="panel_reviews",
        verbose_name=_("対象年度"),
    )
    grade = grade_field()
    supplementary_opinion = models.TextField(_("付帯意見"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("記録した職員"),
    )
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    objects = ReviewQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("有識者会議の検証結果の変更履歴"))

    scope_path = "goal__strategy__municipality"

    class Meta:
        verbose_name = _("有識者会議の検証結果")
        verbose_name_plural = _("有識者会議の検証結果")
        ordering = ["goal", "fiscal_year__year"]
        permissions = [("draft_panelreview", _("有識者会議の検証結果を起案できる"))]
        constraints = [
            models.UniqueConstraint(
                fields=["goal", "fiscal_year"],
                name="panel_review_one_per_year",
                violation_error_code="panel_review_exists",
                violation_error_message=_(
                    "この基本目標のこの年度の検証結果は既に登録されています。"
                ),
            ),
            grade_constraint("panel_review_grade_valid"),
        ]

    def __str__(self):
        return f"{self.goal} {self.fiscal_year} {self.grade}"

    def clean(self):
        super().clean()
        if self.goal_id and self.fiscal_year_id:
            check_same_strategy(self.goal.strategy_id, self.fiscal_year, "fiscal_year")


class PanelOpinion(models.Model):
    """One bullet of 意見等 in a panel verdict."""

    review = models.ForeignKey(
        PanelReview, on_delete=models.CASCADE, related_name="opinions", verbose_name=_("検証結果")
    )
    position = models.PositiveSmallIntegerField(_("順序"))
    text = models.TextField(_("意見等"))

    history = HistoricalRecords(verbose_name=_("意見等の変更履歴"))

    scope_path = "review__goal__strategy__municipality"

    class Meta:
        verbose_name = _("意見等")
        verbose_name_plural = _("意見等")
        ordering = ["review", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "position"],
                name="panel_opinion_unique_position",
                violation_error_code="opinion_position_taken",
                violation_error_message=_("この検証結果のこの順序の意見等は既に登録されています。"),
            ),
        ]

    def __str__(self):
        return self.text[:40]


class VerificationReport(models.Model):
    """The yearly 効果検証調書's own details (title, date, the period its 事業量 cover)."""

    fiscal_year = models.OneToOneField(
        FiscalYear, on_delete=models.PROTECT, related_name="report", verbose_name=_("検証年度")
    )
    title = models.CharField(_("表題"), max_length=100)
    date_text = models.CharField(_("日付（表記）"), max_length=50, blank=True)
    output_period_start = models.ForeignKey(
        FiscalYear,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("事業量の対象期間（始）"),
    )
    output_period_end = models.ForeignKey(
        FiscalYear,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("事業量の対象期間（終）"),
    )

    scope_path = "fiscal_year__strategy__municipality"

    history = HistoricalRecords(verbose_name=_("効果検証調書の変更履歴"))

    class Meta:
        verbose_name = _("効果検証調書")
        verbose_name_plural = _("効果検証調書")
        ordering = ["fiscal_year__year"]

    def __str__(self):
        return self.title


class PublicationAction(models.TextChoices):
    PUBLISH = "publish", _("公表")
    WITHDRAW = "withdraw", _("取り下げ")


class YearPublication(models.Model):
    """Every publication and withdrawal of a fiscal year, with who, when and why."""

    Action = PublicationAction

    fiscal_year = models.ForeignKey(
        FiscalYear, on_delete=models.PROTECT, related_name="publications", verbose_name=_("年度")
    )
    action = models.CharField(_("操作"), max_length=10, choices=Action.choices)
    reason = models.TextField(_("理由"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作した職員"),
    )
    created_at = models.DateTimeField(_("日時"), auto_now_add=True)

    scope_path = "fiscal_year__strategy__municipality"

    class Meta:
        verbose_name = _("年度の公表記録")
        verbose_name_plural = _("年度の公表記録")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=PublicationAction.values),
                name="publication_action_valid",
                violation_error_code="action_invalid",
                violation_error_message=_("操作は公表または取り下げです。"),
            ),
            models.CheckConstraint(
                condition=Q(action=PublicationAction.PUBLISH) | ~Q(reason=""),
                name="withdrawal_has_reason",
                violation_error_code="reason_required",
                violation_error_message=_("取り下げには理由が必要です。"),
            ),
        ]

    def __str__(self):
        return f"{self.fiscal_year} {self.get_action_display()}"


class GradingPolicy(models.Model):
    """How a reference grade is derived from progress, per strategy (never hard-coded).

    For each indicator with data, ratio = 達成度 ÷ 期間の経過割合; a measure's (or goal's) ratio is
    the mean over its indicators. A at or above ``a_min``, B at or above ``b_min``, C at or above
    ``c_min``, D below."""

    strategy = models.OneToOneField(
        Strategy,
        on_delete=models.CASCADE,
        related_name="grading_policy",
        verbose_name=_("総合戦略"),
    )
    a_min = models.DecimalField(_("A の下限"), max_digits=5, decimal_places=3, default=1)
    b_min = models.DecimalField(_("B の下限"), max_digits=5, decimal_places=3, default="0.8")
    c_min = models.DecimalField(_("C の下限"), max_digits=5, decimal_places=3, default="0.5")

    scope_path = "strategy__municipality"

    history = HistoricalRecords(verbose_name=_("参考評価の基準の変更履歴"))

    class Meta:
        verbose_name = _("参考評価の基準")
        verbose_name_plural = _("参考評価の基準")
        constraints = [
            models.CheckConstraint(
                condition=Q(a_min__gte=models.F("b_min"))
                & Q(b_min__gte=models.F("c_min"))
                & Q(c_min__gte=0),
                name="grading_thresholds_ordered",
                violation_error_code="thresholds_unordered",
                violation_error_message=_("基準は A ≧ B ≧ C ≧ 0 の順にしてください。"),
            ),
        ]

    def __str__(self):
        return f"{self.strategy} の参考評価の基準"


class PanelDraft(models.Model):
    """One panel member's draft verdict for a goal and year; members see each other's drafts,
    the secretariat records the final PanelReview. Drafts never reach a public page."""

    goal = models.ForeignKey(
        BasicGoal, on_delete=models.CASCADE, related_name="panel_drafts", verbose_name=_("基本目標")
    )
    fiscal_year = models.ForeignKey(
        FiscalYear,
        on_delete=models.CASCADE,
        related_name="panel_drafts",
        verbose_name=_("対象年度"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="panel_drafts",
        verbose_name=_("起案者"),
    )
    grade = grade_field(blank=True)
    supplementary_opinion = models.TextField(_("付帯意見（案）"), blank=True)
    opinions = models.TextField(_("意見等（案）"), blank=True, help_text=_("1行に1件。"))
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    history = HistoricalRecords(verbose_name=_("検証結果の案の変更履歴"))

    scope_path = "goal__strategy__municipality"

    class Meta:
        verbose_name = _("有識者会議の検証結果（案）")
        verbose_name_plural = _("有識者会議の検証結果（案）")
        ordering = ["goal", "fiscal_year__year", "author"]
        constraints = [
            models.UniqueConstraint(
                fields=["goal", "fiscal_year", "author"],
                name="panel_draft_one_per_member",
                violation_error_code="panel_draft_exists",
                violation_error_message=_("この基本目標・年度の案は既にあります。"),
            ),
            models.CheckConstraint(
                condition=Q(grade="") | Q(grade__in=Grade.values),
                name="panel_draft_grade_valid",
                violation_error_code="grade_invalid",
                violation_error_message=_("検証結果（案）は A・B・C・D または未定です。"),
            ),
        ]

    def __str__(self):
        return f"{self.goal} {self.fiscal_year} {self.author}"

    @property
    def opinion_lines(self) -> list[str]:
        return opinion_lines(self.opinions)


# --- The yearly data call (照会 → 提出 → 確認 / 差戻し) ------------------------------------------


class DataCallQuerySet(models.QuerySet):
    def open(self):
        """Calls still open: their year is not published yet (publishing the year closes it)."""
        return self.filter(fiscal_year__published_at__isnull=True)


class DataCall(models.Model):
    """The secretariat's call for one fiscal year's results (実績の照会): each department enters
    its indicators' results by the deadline and submits them (``DepartmentSubmission``). One call
    per year; it stays open until the year is published."""

    fiscal_year = models.OneToOneField(
        FiscalYear, on_delete=models.PROTECT, related_name="data_call", verbose_name=_("対象年度")
    )
    deadline = models.DateField(_("提出期限"))
    message = models.TextField(_("担当課への連絡事項"), blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("照会した職員"),
    )
    opened_at = models.DateTimeField(_("照会日時"), auto_now_add=True)

    objects = DataCallQuerySet.as_manager()

    scope_path = "fiscal_year__strategy__municipality"

    class Meta:
        verbose_name = _("実績の照会")
        verbose_name_plural = _("実績の照会")
        ordering = ["fiscal_year__strategy", "fiscal_year__year"]
        permissions = [
            ("manage_datacall", _("実績の照会を開始し、提出を確認・差戻しできる")),
            ("submit_datacall", _("担当課の実績を照会に提出できる")),
        ]

    def __str__(self):
        return f"{self.fiscal_year.long_label}の実績の照会"

    @property
    def is_open(self) -> bool:
        return self.fiscal_year.published_at is None


class SubmissionStatus(models.TextChoices):
    """Where a department stands in a call. 入力中 is never stored: a submission still 未着手
    shows 入力中 as soon as any result of its indicators for that year exists
    (``DepartmentSubmission.effective_status``); 差戻し is 入力中 with the secretariat's comment
    outstanding, until the department submits again."""

    NOT_STARTED = "not_started", _("未着手")
    IN_PROGRESS = "in_progress", _("入力中")
    SUBMITTED = "submitted", _("提出済")
    ACCEPTED = "accepted", _("確認済")
    RETURNED = "returned", _("差戻し")


STORED_SUBMISSION_STATUSES = [
    SubmissionStatus.NOT_STARTED,
    SubmissionStatus.SUBMITTED,
    SubmissionStatus.ACCEPTED,
    SubmissionStatus.RETURNED,
]


def department_results_q(department_ref, prefix: str = "") -> Q:
    """Results whose indicator belongs to `department_ref` (an id or an OuterRef): the
    indicator's own department, else its measure's (``kpi.Indicator.department_q``)."""
    return Q(**{f"{prefix}indicator__department": department_ref}) | Q(
        **{
            f"{prefix}indicator__department__isnull": True,
            f"{prefix}indicator__measure__department": department_ref,
        }
    )


class DepartmentSubmissionQuerySet(models.QuerySet):
    def with_started(self):
        """Each submission with ``has_results``: whether any result of its department's
        indicators for the call's year exists (what makes 未着手 show 入力中). One subquery."""
        results = Achievement.objects.filter(
            department_results_q(models.OuterRef("department")),
            fiscal_year=models.OuterRef("call__fiscal_year"),
        )
        return self.annotate(has_results=models.Exists(results))


class DepartmentSubmission(models.Model):
    """One department's answer to a call: 未着手 → (入力中) → 提出済 → 確認済, or 差戻し with the
    secretariat's comment (then 提出済 again). Every change goes through a service of
    ``verification.cycle.services`` and is logged in ``SubmissionTransition``."""

    Status = SubmissionStatus

    call = models.ForeignKey(
        DataCall, on_delete=models.CASCADE, related_name="submissions", verbose_name=_("照会")
    )
    department = models.ForeignKey(
        "strategy.Department",
        on_delete=models.PROTECT,
        related_name="submissions",
        verbose_name=_("担当課"),
    )
    status = models.CharField(
        _("状態"), max_length=12, choices=Status.choices, default=Status.NOT_STARTED
    )
    comment = models.TextField(
        _("差戻しの理由"), blank=True, help_text=_("事務局が差し戻したときのコメント。")
    )
    submitted_at = models.DateTimeField(_("提出日時"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("提出した職員"),
    )
    reviewed_at = models.DateTimeField(_("確認・差戻しの日時"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("確認・差戻しした職員"),
    )
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    objects = DepartmentSubmissionQuerySet.as_manager()

    scope_path = "call__fiscal_year__strategy__municipality"

    class Meta:
        verbose_name = _("担当課の提出状況")
        verbose_name_plural = _("担当課の提出状況")
        ordering = ["call", "department__order", "department__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["call", "department"],
                name="submission_one_per_department",
                violation_error_code="submission_exists",
                violation_error_message=_("この照会のこの担当課の提出状況は既にあります。"),
            ),
            models.CheckConstraint(
                condition=Q(status__in=STORED_SUBMISSION_STATUSES),
                name="submission_status_valid",
                violation_error_code="submission_status_invalid",
                violation_error_message=_(
                    "提出状況は未着手・提出済・確認済・差戻しのいずれかです。"
                ),
            ),
            models.CheckConstraint(
                condition=~Q(status=SubmissionStatus.RETURNED) | ~Q(comment=""),
                name="submission_returned_has_comment",
                violation_error_code="comment_required",
                violation_error_message=_("差戻しにはコメントが必要です。"),
            ),
        ]

    def __str__(self):
        return f"{self.call} {self.department}"

    def clean(self):
        super().clean()
        if (
            self.call_id
            and self.department_id
            and self.department.municipality_id != self.call.fiscal_year.strategy.municipality_id
        ):
            raise ValidationError(
                {"department": _("別の団体の担当課です。")}, code="department_other_municipality"
            )

    @staticmethod
    def department_q(department_ids, prefix: str = "") -> Q:
        """Submissions of these departments (a department member sees only their own)."""
        return Q(**{f"{prefix}department__in": department_ids})

    def effective_status(self, has_results: bool | None = None) -> str:
        """The status people see: 未着手 shows 入力中 once any result of the year exists
        (``has_results``, else the ``with_started`` annotation)."""
        if has_results is None:
            has_results = getattr(self, "has_results", False)
        if self.status == SubmissionStatus.NOT_STARTED and has_results:
            return SubmissionStatus.IN_PROGRESS
        return self.status

    @property
    def status_label(self) -> str:
        return SubmissionStatus(self.effective_status()).label

    @property
    def is_done(self) -> bool:
        """Submitted or accepted: nothing more is due from the department."""
        return self.status in (SubmissionStatus.SUBMITTED, SubmissionStatus.ACCEPTED)

    def is_overdue(self, today) -> bool:
        return not self.is_done and self.call.deadline < today


class SubmissionTransition(models.Model):
    """The audit log of a submission: who changed its status, when, from what to what, and the
    comment (a return's reason). Written by the services only."""

    submission = models.ForeignKey(
        DepartmentSubmission,
        on_delete=models.CASCADE,
        related_name="transitions",
        verbose_name=_("提出状況"),
    )
    old_status = models.CharField(_("変更前"), max_length=12, choices=SubmissionStatus.choices)
    new_status = models.CharField(_("変更後"), max_length=12, choices=SubmissionStatus.choices)
    comment = models.TextField(_("コメント"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作した職員"),
    )
    created_at = models.DateTimeField(_("日時"), auto_now_add=True)

    scope_path = "submission__call__fiscal_year__strategy__municipality"

    class Meta:
        verbose_name = _("提出状況の変更記録")
        verbose_name_plural = _("提出状況の変更記録")
        ordering = ["submission", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(old_status__in=SubmissionStatus.values)
                & Q(new_status__in=SubmissionStatus.values),
                name="transition_statuses_valid",
                violation_error_code="transition_status_invalid",
                violation_error_message=_("提出状況が選択肢にありません。"),
            ),
        ]

    def __str__(self):
        return (
            f"{self.submission}: {self.get_old_status_display()} → {self.get_new_status_display()}"
        )

    @staticmethod
    def department_q(department_ids) -> Q:
        return DepartmentSubmission.department_q(department_ids, prefix="submission__")


class ReminderLog(models.Model):
    """One reminder sent for an overdue submission on one day (``send_reminders`` sends at most
    one per department per day)."""

    submission = models.ForeignKey(
        DepartmentSubmission,
        on_delete=models.CASCADE,
        related_name="reminders",
        verbose_name=_("提出状況"),
    )
    sent_on = models.DateField(_("送信日"))
    recipients = models.PositiveSmallIntegerField(_("宛先の数"), default=0)
    created_at = models.DateTimeField(_("記録日時"), auto_now_add=True)

    scope_path = "submission__call__fiscal_year__strategy__municipality"

    class Meta:
        verbose_name = _("督促の記録")
        verbose_name_plural = _("督促の記録")
        ordering = ["-sent_on", "submission"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "sent_on"],
                name="reminder_once_a_day",
                violation_error_code="reminder_sent_today",
                violation_error_message=_("この担当課には本日すでに督促しています。"),
            ),
        ]

    def __str__(self):
        return f"{self.submission} {self.sent_on}"

    @staticmethod
    def department_q(department_ids) -> Q:
        return DepartmentSubmission.department_q(department_ids, prefix="submission__")
