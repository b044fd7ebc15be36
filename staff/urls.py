from django.urls import path

from staff import (
    certificate_views,
    course_views,
    evaluator_views,
    renewal_views,
    report_views,
    review_views,
    views,
)

app_name = "staff"

urlpatterns = [
    path("", views.staff_home, name="home"),
    path("applications/", views.application_list, name="applications"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("applications/<int:pk>/payment/", views.application_payment, name="application_payment"),
    path(
        "applications/<int:pk>/request-info/",
        views.application_request_info,
        name="application_request_info",
    ),
    path("applications/<int:pk>/decline/", views.application_decline, name="application_decline"),
    path("applications/<int:pk>/admit/", views.application_admit, name="application_admit"),
    path("candidacies/<int:pk>/", views.candidacy_detail, name="candidacy_detail"),
    path("candidacies/<int:pk>/extend/", views.candidacy_extend, name="candidacy_extend"),
    path(
        "candidacies/<int:pk>/letter.pdf",
        views.candidacy_letter_pdf,
        name="candidacy_letter_pdf",
    ),
    path("providers/", course_views.provider_list, name="providers"),
    path("providers/<int:pk>/verify/", course_views.provider_verify, name="provider_verify"),
    path("courses/", course_views.course_list, name="courses"),
    path("courses/<int:pk>/", course_views.course_detail, name="course_detail"),
    path("courses/<int:pk>/review/", course_views.course_review, name="course_review"),
    path("courses/<int:pk>/syllabus/", course_views.course_syllabus, name="course_syllabus"),
    path(
        "courses/<int:pk>/instructors/<int:instructor_pk>/resume/",
        course_views.course_resume,
        name="course_resume",
    ),
    path("completions/", course_views.completion_list, name="completions"),
    path("completions/<int:pk>/", course_views.completion_detail, name="completion_detail"),
    path("completions/<int:pk>/proof/", course_views.completion_proof, name="completion_proof"),
    path("completions/<int:pk>/verify/", course_views.completion_verify, name="completion_verify"),
    path("completions/<int:pk>/reject/", course_views.completion_reject, name="completion_reject"),
    path("evaluators/", evaluator_views.evaluator_list, name="evaluators"),
    path("evaluators/<int:pk>/", evaluator_views.evaluator_detail, name="evaluator_detail"),
    path("evaluators/<int:pk>/resume/", evaluator_views.evaluator_resume, name="evaluator_resume"),
    path(
        "evaluators/<int:pk>/approve/", evaluator_views.evaluator_approve, name="evaluator_approve"
    ),
    path(
        "evaluators/<int:pk>/decline/", evaluator_views.evaluator_decline, name="evaluator_decline"
    ),
    path("portfolios/", review_views.portfolio_queue, name="portfolios"),
    path("portfolios/<int:pk>/", review_views.portfolio_assign, name="portfolio_assign"),
    path(
        "portfolios/<int:pk>/auto-assign/",
        review_views.portfolio_auto_assign,
        name="portfolio_auto_assign",
    ),
    path(
        "assignments/<int:pk>/withdraw/",
        review_views.assignment_withdraw,
        name="assignment_withdraw",
    ),
    path("decisions/", review_views.decision_list, name="decisions"),
    path("decisions/<int:pk>/", review_views.decision_detail, name="decision_detail"),
    path("decisions/<int:pk>/release/", review_views.decision_release, name="decision_release"),
    path("reports/evaluators/", report_views.evaluator_report, name="evaluator_report"),
    path(
        "reports/evaluators.csv",
        report_views.evaluator_report_csv,
        name="evaluator_report_csv",
    ),
    path("certificates/", certificate_views.certificate_list, name="certificates"),
    path(
        "certificates/issue/<int:candidacy_pk>/",
        certificate_views.certificate_issue,
        name="certificate_issue",
    ),
    path("certificates/<int:pk>/", certificate_views.certificate_detail, name="certificate_detail"),
    path(
        "certificates/<int:pk>/suspend/",
        certificate_views.certificate_suspend,
        name="certificate_suspend",
    ),
    path(
        "certificates/<int:pk>/reinstate/",
        certificate_views.certificate_reinstate,
        name="certificate_reinstate",
    ),
    path(
        "certificates/<int:pk>/revoke/",
        certificate_views.certificate_revoke,
        name="certificate_revoke",
    ),
    path("renewals/", renewal_views.renewal_list, name="renewals"),
    path("renewals/<int:pk>/", renewal_views.renewal_detail, name="renewal_detail"),
    path("renewals/<int:pk>/approve/", renewal_views.renewal_approve, name="renewal_approve"),
    path(
        "renewals/<int:pk>/request-changes/",
        renewal_views.renewal_request_changes,
        name="renewal_request_changes",
    ),
    path(
        "renewals/<int:pk>/entries/<int:entry_pk>/evidence/",
        renewal_views.renewal_evidence,
        name="renewal_evidence",
    ),
]
