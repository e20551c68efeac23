"""Staff pages of the verification app: the yearly data call (実績の照会, 自分の担当), year
publication with its readiness check, the recent changes, internal and panel verdicts."""

from django.urls import path

from .views import changes, data_call, internal, panel, publication

CALL = "s/<slug:slug>/calls/<int:year>/"
SUBMISSION = CALL + "departments/<int:department_id>/"

urlpatterns = [
    path("s/<slug:slug>/calls/", data_call.data_call_index, name="data_call_index"),
    path(CALL, data_call.data_call_board, name="data_call_board"),
    path(CALL + "open/", data_call.data_call_start, name="data_call_open"),
    path(SUBMISSION, data_call.data_call_submission, name="data_call_submission"),
    path(SUBMISSION + "submit/", data_call.data_call_submit, name="data_call_submit"),
    path(SUBMISSION + "accept/", data_call.data_call_accept, name="data_call_accept"),
    path(SUBMISSION + "return/", data_call.data_call_return, name="data_call_return"),
    path("s/<slug:slug>/my-tasks/", data_call.my_tasks_page, name="my_tasks"),
    path("s/<slug:slug>/publication/", publication.publication_list, name="publication"),
    path(
        "s/<slug:slug>/publication/<int:year>/",
        publication.publication_check,
        name="publication_check",
    ),
    path("s/<slug:slug>/publication/<int:year>/publish/", publication.publish, name="publish"),
    path("s/<slug:slug>/publication/<int:year>/withdraw/", publication.withdraw, name="withdraw"),
    path("s/<slug:slug>/changes/", changes.recent_changes, name="recent_changes"),
    path("s/<slug:slug>/changes/restore/", changes.restore_change, name="restore_change"),
    path("s/<slug:slug>/internal/", internal.internal_review_index, name="internal_review_index"),
    path(
        "s/<slug:slug>/internal/<int:year>/",
        internal.internal_review_year,
        name="internal_review_year",
    ),
    path(
        "s/<slug:slug>/internal/<int:year>/<str:code>/",
        internal.internal_review_edit,
        name="internal_review_edit",
    ),
    path("s/<slug:slug>/panel/", panel.panel_index, name="panel_index"),
    path(
        "s/<slug:slug>/panel/<int:year>/goals/<int:number>/",
        panel.panel_review,
        name="panel_review",
    ),
    path(
        "s/<slug:slug>/panel/<int:year>/goals/<int:number>/record/",
        panel.panel_record,
        name="panel_record",
    ),
]
