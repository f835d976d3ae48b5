"""How every change to the archival description is made: checked, saved, audited.

Why one helper for creators, archives, series, volumes, classes and AIP links: the
rules are the same for all of them and must not drift apart. Only the municipality's
archivist edits (``EDIT``: the permission that manages submission agreements, the
tenant's archive-authority work); everyone who sees deliveries reads (``READ``). A new
object belongs to the acting tenant, an existing one is re-read through the scope
(another tenant's is "not found"), every broken rule comes back at once with its field
(``InvalidDescriptionError``), and every change is written to the audit log with what
changed.
"""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from samarkiv.accounts.roles import Permission
from samarkiv.accounts.scope import Scope
from samarkiv.auditlog.choices import AuditAction
from samarkiv.auditlog.service import record
from samarkiv.errors import AccessDeniedError, SamarkivError, UsageError

READ = Permission.VIEW_DELIVERIES
EDIT = Permission.MANAGE_AGREEMENTS
ANY_FIELD = "__all__"


class InvalidDescriptionError(SamarkivError):
    """What was asked to be saved breaks a rule; ``errors`` maps each field to why."""

    code = "invalid_description"
    http_status = 422

    def __init__(self, errors: dict[str, str]) -> None:
        first = next(iter(errors.values()), "")
        super().__init__(_("Uppgifterna kunde inte sparas: %(reason)s") % {"reason": first})
        self.errors = errors

    def to_dict(self) -> dict:
        return {**super().to_dict(), "errors": dict(self.errors)}


def editable(scope: Scope, queryset: models.QuerySet, **lookup) -> models.Model:
    """An object the scope may change: EDIT first (403), then the tenant (404)."""
    scope.require(EDIT)
    return scope.get(queryset, permission=EDIT, **lookup)


def new_object(scope: Scope, model: type[models.Model], tenant: str | None = None, **values):
    """A new, unsaved object of the acting tenant (the operator may name another)."""
    scope.require(EDIT)
    tenant = tenant or scope.tenant
    if not tenant:
        raise UsageError("a new description object needs a tenant")
    if tenant != scope.tenant and not scope.all_tenants:
        raise AccessDeniedError(f"{scope.actor} may not describe the archive of '{tenant}'")
    return model(tenant_id=tenant, **values)


def jsonable(value):
    """A field value as the audit log keeps it: dates as ISO text, objects as their key."""
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value.pk)
    return value


def snapshot(instance: models.Model, fields: tuple[str, ...]) -> dict:
    return {name: jsonable(getattr(instance, name)) for name in fields}


def _messages(error: ValidationError) -> dict[str, str]:
    found = {}
    for name, messages in error.message_dict.items():
        found[ANY_FIELD if name == NON_FIELD_ERRORS else name] = " ".join(messages)
    return found


def _duplicates(instance: models.Model) -> dict[str, str]:
    """Unique rules broken by ``instance``, reported on the field the person typed."""
    errors = {}
    for constraint in instance._meta.constraints:
        if not isinstance(constraint, models.UniqueConstraint) or constraint.condition:
            continue
        values = {
            name: getattr(instance, instance._meta.get_field(name).attname)
            for name in constraint.fields
        }
        if any(value is None for value in values.values()):
            continue
        others = type(instance)._default_manager.filter(**values)
        if instance.pk is not None:
            others = others.exclude(pk=instance.pk)
        if others.exists():
            field = constraint.fields[-1]
            shown = getattr(instance, field)
            errors[field] = _("Det finns redan: %(value)s.") % {"value": shown}
    return errors


def check(instance: models.Model) -> None:
    """Every broken rule of ``instance`` at once, or nothing."""
    errors: dict[str, str] = {}
    try:
        instance.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        errors.update(_messages(exc))
    for field, message in _duplicates(instance).items():
        errors.setdefault(field, message)
    if errors:
        raise InvalidDescriptionError(errors)


def save(
    scope: Scope,
    instance: models.Model,
    data: dict,
    fields: tuple[str, ...],
    *,
    fixed: tuple[str, ...] = (),
) -> models.Model:
    """Set ``fields`` from ``data`` (those left out keep their value), check, save, audit.

    ``fixed`` fields may be given for a new object only: other objects, URLs and
    exports refer to them (a creator's code, a class's code).
    """
    scope.require(EDIT)
    created = instance._state.adding
    before = {} if created else snapshot(instance, fields)
    errors = {}
    for name in fields:
        if name not in data:
            continue
        if name in fixed and not created and jsonable(data[name]) != before.get(name):
            errors[name] = _("Uppgiften kan inte ändras: annat hänvisar till den.")
            continue
        setattr(instance, name, data[name])
    if errors:
        raise InvalidDescriptionError(errors)
    check(instance)
    with transaction.atomic():
        instance.save()
        after = snapshot(instance, fields)
        changed = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
        audit(scope, instance, "created" if created else "changed", changed)
    return instance


def audit(scope: Scope, instance: models.Model, what: str, detail: dict | None = None) -> None:
    """A CONFIG_CHANGE entry: the description is the tenant's archive authority's record."""
    record(
        scope,
        AuditAction.CONFIG_CHANGE,
        obj=instance,
        tenant=instance.tenant_id,
        detail={"description": what, "object": str(instance)[:200], "changed": detail or {}},
    )
