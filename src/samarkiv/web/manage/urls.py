"""Staff pages for tenancy: deliveries, agreements, members and roles, audit log."""

from django.urls import path

from samarkiv.web.manage import (
    agreement_views,
    auditlog_views,
    delivery_views,
    emergency_views,
    member_views,
    token_views,
)

app_name = "manage"

urlpatterns = [
    path("deliveries/", delivery_views.delivery_list, name="deliveries"),
    path("deliveries/<uuid:pk>/", delivery_views.delivery_detail, name="delivery_detail"),
    path("deliveries/<uuid:pk>/status/", delivery_views.delivery_status, name="delivery_status"),
    path(
        "deliveries/<uuid:pk>/receipt.json",
        delivery_views.delivery_receipt,
        name="delivery_receipt",
    ),
    path("agreements/", agreement_views.agreement_list, name="agreements"),
    path("agreements/new/", agreement_views.agreement_new, name="agreement_new"),
    path("agreements/<int:pk>/", agreement_views.agreement_edit, name="agreement_edit"),
    path(
        "agreements/<int:pk>/deactivate/",
        agreement_views.agreement_deactivate,
        name="agreement_deactivate",
    ),
    path("members/", member_views.members, name="members"),
    path("members/new/", member_views.member_create, name="member_create"),
    path("members/roles/", member_views.role_grant, name="role_grant"),
    path("members/roles/<int:pk>/revoke/", member_views.role_revoke, name="role_revoke"),
    path("members/systems/", token_views.system_create, name="system_create"),
    path("members/tokens/", token_views.token_issue, name="token_issue"),
    path("members/tokens/<uuid:pk>/revoke/", token_views.token_revoke, name="token_revoke"),
    path("members/emergency/", emergency_views.emergency, name="emergency"),
    path("members/emergency/grant/", emergency_views.emergency_grant, name="grant_create"),
    path(
        "members/emergency/<uuid:pk>/revoke/",
        emergency_views.emergency_revoke,
        name="grant_revoke",
    ),
    path("audit-log/", auditlog_views.audit_log, name="audit_log"),
    path("audit-log/export/", auditlog_views.audit_log_export, name="audit_log_export"),
    path("audit-log/verify/", auditlog_views.audit_log_verify, name="audit_log_verify"),
]
