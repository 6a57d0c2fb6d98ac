from django.urls import include, path

from . import views, views_experts, views_groups, views_interviews, views_meeting, views_online, views_sessions
from .urls_notices import urlpatterns as notice_urls
from .urls_public_notices import urlpatterns as public_notice_urls

app_name = "reviews"

urlpatterns = [
    path("reviews/", views.queue, name="queue"),
    path("reviews/export/", views.queue_export, name="queue_export"),
    path("reviews/batch/", views.batch, name="batch"),
    path("reviews/workflow/", views.workflow_diagram, name="workflow"),
    path("reviews/offline/new/", views.offline_new, name="offline_new"),
    path("reviews/experts/", views_experts.pool, name="experts"),
    path("reviews/experts/add/", views_experts.add, name="expert_add"),
    path("reviews/experts/import/", views_experts.import_sheet, name="expert_import"),
    path("reviews/experts/export/", views_experts.export, name="expert_export"),
    path("reviews/experts/template/", views_experts.template, name="expert_template"),
    path("reviews/experts/<int:pk>/status/", views_experts.set_status, name="expert_status"),
    path("reviews/sessions/", views_sessions.sessions, name="sessions"),
    path("reviews/sessions/<int:pk>/", views_sessions.session, name="session"),
    path("reviews/sessions/<int:pk>/draw/", views_sessions.draw, name="session_draw"),
    path("reviews/sessions/<int:pk>/trail.xlsx", views_sessions.trail, name="session_trail"),
    path("reviews/sessions/experts/<int:pk>/decline/", views_sessions.decline, name="session_decline"),
    path("reviews/sessions/<int:pk>/online/open/", views_online.open_review, name="session_online_open"),
    path("reviews/sessions/<int:pk>/online/remind/", views_online.remind, name="session_online_remind"),
    path("reviews/sessions/<int:pk>/attendance/", views_meeting.attendance, name="session_attendance"),
    path("reviews/sessions/<int:pk>/chair/", views_meeting.chair, name="session_chair"),
    path("reviews/sessions/<int:pk>/conflict/", views_meeting.conflict, name="session_conflict"),
    path("reviews/sessions/<int:pk>/vote/open/", views_meeting.vote_open, name="session_vote_open"),
    path("reviews/sessions/<int:pk>/vote/paper/", views_meeting.paper_ballot, name="session_paper_ballot"),
    path("reviews/sessions/<int:pk>/vote/close/", views_meeting.vote_close, name="session_vote_close"),
    path("reviews/sessions/<int:pk>/vote/sign/", views_meeting.vote_sign, name="session_vote_sign"),
    path("reviews/sessions/<int:pk>/result-notice/", views_meeting.notice_open, name="session_result_notice"),
    path(
        "reviews/result-notices/<int:pk>/conclude/",
        views_meeting.notice_conclude,
        name="result_notice_conclude",
    ),
    path("reviews/sessions/<int:pk>/groups/", views_groups.create, name="session_group_create"),
    path("reviews/groups/<int:pk>/assign/", views_groups.assign, name="group_assign"),
    path("reviews/groups/<int:pk>/opinion/", views_groups.opinion, name="group_opinion"),
    path("reviews/sessions/<int:pk>/interviews/", views_interviews.schedule_page, name="session_interviews"),
    path(
        "reviews/sessions/<int:pk>/interviews/schedule/",
        views_interviews.schedule,
        name="session_interview_schedule",
    ),
    path(
        "reviews/interviews/<int:pk>/attendance/",
        views_interviews.attendance,
        name="interview_attendance",
    ),
    path("reviews/ballots/", views_meeting.ballots, name="ballots"),
    path(
        "reviews/ballots/<int:pk>/<int:application_pk>/",
        views_meeting.ballot_cast,
        name="ballot_cast",
    ),
    path("reviews/online/", views_online.my_reviews, name="online"),
    path("reviews/online/<int:pk>/", views_online.review, name="online_review"),
    path("reviews/online/<int:pk>/recuse/", views_online.recuse, name="online_recuse"),
    path(
        "reviews/online/<int:pk>/materials/<int:material_pk>/",
        views_online.material,
        name="online_material",
    ),
    path("reviews/<int:pk>/", views.detail, name="detail"),
    path("reviews/<int:pk>/decide/", views.decide, name="decide"),
    path("reviews/<int:pk>/reveal/", views.reveal, name="reveal"),
    path("reviews/<int:pk>/materials/<int:material_pk>/preview/", views.material_preview, name="material_preview"),
    path("reviews/", include(notice_urls)),
    path("notices/", include(public_notice_urls)),
]
