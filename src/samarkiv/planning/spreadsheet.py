"""The inventory as a spreadsheet: CSV or XLSX, in and out, one documented template.

Why all or nothing: a municipality's spreadsheet is typed by hand; a half-imported file
leaves nobody sure which rows made it. Every row is checked first, each problem named by
row, column and rule; only a file without problems is written, in one transaction.
Rows are matched on (municipality, system, vendor, name): importing the same file twice
changes nothing, importing a corrected file updates the rows.

The columns are documented in docs/planning.md (keep them in step with ``COLUMNS``).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from samarkiv.accounts.scope import Scope
from samarkiv.auditlog.choices import AuditAction, AuditOutcome
from samarkiv.auditlog.service import record
from samarkiv.errors import SamarkivError
from samarkiv.planning.models import Domain, Installation, Retention
from samarkiv.planning.service import may_edit_tenant, product_for


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    kind: str  # text, int, decimal, bool, date, domain, types, agreement, tenant
    required: bool = False
    help: str = ""


COLUMNS = (
    Column("kommun", "tenant", "tenant", True, "kommunens kod eller namn, t.ex. ystad"),
    Column("system", "product_name", "text", True, "produktens namn, t.ex. Public 360"),
    Column("leverantör", "product_vendor", "text", False, "t.ex. Tietoevry"),
    Column("benämning", "name", "text", True, "kommunens namn på installationen"),
    Column("verksamhetsområde", "domain", "domain", True, "kod: " + ", ".join(Domain.values)),
    Column("arkivbildare", "records_creators_text", "text", False, "åtskilda med semikolon"),
    Column("informationstyper", "information_types", "types", False, "Namn:bevaras; Namn:gallras"),
    Column("datamängd_gb", "volume_gb", "decimal"),
    Column("antal_poster", "record_count", "int"),
    Column("format", "formats", "text", False, "t.ex. PDF/A, XML, TIFF"),
    Column("fgs_export", "fgs_export", "bool", False, "ja/nej"),
    Column("siard", "siard_able", "bool", False, "ja/nej"),
    Column("uttagsmodul", "vendor_export_module", "bool", False, "ja/nej"),
    Column("uttagsmodul_kostnad", "export_module_cost", "int", False, "kronor, en gång"),
    Column("supportslut", "end_of_support", "date", False, "ÅÅÅÅ-MM-DD"),
    Column("avtalsslut", "contract_end", "date", False, "ÅÅÅÅ-MM-DD"),
    Column("licenskostnad", "licence_cost", "int", False, "kronor per år"),
    Column("driftkostnad", "operations_cost", "int", False, "kronor per år"),
    Column("supportkostnad", "support_cost", "int", False, "kronor per år"),
    Column("verksamhet_upphört", "activity_ceased", "bool", False, "ja/nej"),
    Column("förfrågningar_per_år", "requests_per_year", "int"),
    Column("registervård_klar", "registry_care_done", "bool", False, "ja/nej"),
    Column("gallring_klar", "disposal_done", "bool", False, "ja/nej"),
    Column("förutsättningar_klara", "prerequisites_expected", "date", False, "ÅÅÅÅ-MM-DD"),
    Column("pilot", "pilot", "bool", False, "ja/nej"),
    Column("insats_timmar", "effort_hours", "int", True, "IT-arkivariens timmar"),
    Column("leveransöverenskommelse", "agreement", "agreement", False, "överenskommelsens kod"),
    Column("anteckningar", "notes", "text"),
)
HEADERS = [c.header for c in COLUMNS]
TRUE = {"ja", "j", "x", "1", "true", "sant", "yes"}
FALSE = {"nej", "n", "", "0", "false", "falskt", "no"}
RETENTION_WORDS = {"bevaras": Retention.KEEP, "keep": Retention.KEEP,
                   "gallras": Retention.DISPOSE, "dispose": Retention.DISPOSE}  # fmt: skip


@dataclass
class RowError:
    row: int  # spreadsheet row (the header is row 1)
    column: str
    message: str

    def __str__(self) -> str:
        return _("Rad %(row)s, kolumn %(col)s: %(msg)s") % {
            "row": self.row,
            "col": self.column or "–",
            "msg": self.message,
        }


class InventoryImportError(SamarkivError):
    """The file has problems; nothing was imported. ``errors`` lists every one."""

    code = "inventory_import"

    def __init__(self, path: str, errors: list[RowError]) -> None:
        lines = "\n".join(str(e) for e in errors[:50])
        super().__init__(
            _("%(file)s importerades inte (%(n)s fel, inget sparades):\n%(lines)s")
            % {"file": path, "n": len(errors), "lines": lines},
            path=path,
        )
        self.errors = errors


# --------------------------------------------------------------------------- reading


def read_rows(data: bytes, filename: str) -> list[list[object]]:
    """Header + data rows of the first sheet (XLSX) or of the CSV (';' or ',')."""
    if filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a broken file
            raise InventoryImportError(filename, [RowError(1, "", _("inte en XLSX-fil"))]) from exc
        sheet = book.worksheets[0]
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        book.close()
        return [r for r in rows if any(v not in (None, "") for v in r)]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InventoryImportError(filename, [RowError(1, "", _("inte UTF-8"))]) from exc
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    return [r for r in rows if any(v.strip() for v in r)]


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _parse(column: Column, raw: object, ctx: dict):
    """The cell's value, or ValueError with the rule it breaks."""
    kind, text = column.kind, _text(raw)
    if column.required and not text:
        raise ValueError(_("värde saknas"))
    if kind == "text":
        return text
    if kind in ("int", "decimal"):
        return _number(text, kind == "int")
    if kind == "bool":
        if text.lower() in TRUE:
            return True
        if text.lower() in FALSE:
            return False
        raise ValueError(_("skriv ja eller nej, inte %(v)s") % {"v": text})
    if kind == "date":
        return _date(raw, text)
    if kind == "domain":
        return _domain(text)
    if kind == "types":
        return parse_information_types(text)
    if kind == "tenant":
        code = ctx["tenants"].get(text.casefold())
        if code is None:
            raise ValueError(_("okänd kommun: %(v)s") % {"v": text})
        return code
    return text  # agreement: resolved per tenant in _row


def _number(text: str, whole: bool) -> int | Decimal:
    if not text:
        return 0
    try:
        number = Decimal(text.replace(" ", "").replace("\u00a0", "").replace(",", "."))
    except InvalidOperation:
        raise ValueError(_("inte ett tal: %(v)s") % {"v": text}) from None
    if number < 0:
        raise ValueError(_("får inte vara negativt: %(v)s") % {"v": text})
    if whole and number != number.to_integral_value():
        raise ValueError(_("inte ett heltal: %(v)s") % {"v": text})
    return int(number) if whole else number


def _date(raw: object, text: str) -> date | None:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(_("inte ett datum ÅÅÅÅ-MM-DD: %(v)s") % {"v": text}) from None


def _domain(text: str) -> str:
    for value, name in Domain.choices:
        if text.casefold() in (value, str(name).casefold()):
            return value
    raise ValueError(_("okänt verksamhetsområde: %(v)s") % {"v": text})


def parse_information_types(text: str) -> list[dict]:
    kinds = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        name, sep, word = part.rpartition(":")
        retention = RETENTION_WORDS.get(word.strip().casefold())
        if not sep or not name.strip() or retention is None:
            raise ValueError(_("skriv Namn:bevaras eller Namn:gallras, inte %(v)s") % {"v": part})
        kinds.append({"name": name.strip(), "retention": str(retention)})
    return kinds


def _context() -> dict:
    from samarkiv.catalog.models import Tenant
    from samarkiv.delivery.models import SubmissionAgreement

    tenants = {}
    for code, name in Tenant.objects.values_list("code", "name"):
        tenants[code.casefold()] = code
        tenants[name.casefold()] = code
    agreements = {
        (t, c.casefold()): pk
        for pk, t, c in SubmissionAgreement.objects.values_list("pk", "tenant_id", "code")
    }
    return {"tenants": tenants, "agreements": agreements}


def _row(scope: Scope, number: int, cells: dict, ctx: dict, errors: list[RowError]) -> dict:
    values: dict = {}
    for column in COLUMNS:
        if column.header not in cells:
            continue
        try:
            values[column.field] = _parse(column, cells[column.header], ctx)
        except ValueError as exc:
            errors.append(RowError(number, column.header, str(exc)))
    tenant = values.get("tenant")
    if tenant and not may_edit_tenant(scope, tenant):
        errors.append(RowError(number, "kommun", _("du får inte ändra den kommunens inventering")))
    code = values.pop("agreement", None)
    if code is not None:  # the column is there: an empty cell unlinks
        values["agreement_id"] = ctx["agreements"].get((tenant, code.casefold())) if code else None
        if code and tenant and values["agreement_id"] is None:
            message = _("finns inte i kommunen: %(v)s") % {"v": code}
            errors.append(RowError(number, "leveransöverenskommelse", message))
    return values


def parse(scope: Scope, data: bytes, filename: str) -> list[dict]:
    """Every row's values; InventoryImportError listing every problem, if any."""
    rows = read_rows(data, filename)
    if not rows:
        raise InventoryImportError(filename, [RowError(1, "", _("filen är tom"))])
    header = [_text(h).casefold() for h in rows[0]]
    errors = [
        RowError(1, c.header, _("obligatorisk kolumn saknas"))
        for c in COLUMNS
        if c.required and c.header not in header
    ]
    errors += [RowError(1, h, _("okänd kolumn")) for h in header if h and h not in HEADERS]
    if errors:
        raise InventoryImportError(filename, errors)
    ctx, parsed, seen = _context(), [], {}
    for number, raw in enumerate(rows[1:], start=2):
        cells = {h: raw[i] if i < len(raw) else None for i, h in enumerate(header) if h}
        values = _row(scope, number, cells, ctx, errors)
        key = tuple(
            str(values.get(f, "")).casefold()
            for f in ("tenant", "product_name", "product_vendor", "name")
        )
        if key in seen:
            errors.append(
                RowError(number, "benämning", _("dubblett av rad %(n)s") % {"n": seen[key]})
            )
        seen.setdefault(key, number)
        parsed.append(values)
    if errors:
        raise InventoryImportError(filename, errors)
    return parsed


def import_inventory(scope: Scope, data: bytes, filename: str) -> int:
    """Check the whole file, then write every row in one transaction; audited."""
    try:
        rows = parse(scope, data, filename)
    except InventoryImportError as exc:
        record(
            scope,
            AuditAction.CONFIG_CHANGE,
            outcome=AuditOutcome.FAILURE,
            object_type="planning.inventory",
            object_id=Path(filename).name[:255],
            detail={"import": "refused", "errors": len(exc.errors)},
        )
        raise
    creators = _creator_index({r["tenant"] for r in rows if "records_creators_text" in r})
    with transaction.atomic():
        for values in rows:
            _save(values, creators)
    record(
        scope,
        AuditAction.CONFIG_CHANGE,
        object_type="planning.inventory",
        object_id=Path(filename).name[:255],
        detail={
            "import": "done",
            "rows": len(rows),
            "tenants": sorted({r["tenant"] for r in rows}),
        },
    )
    return len(rows)


def _save(values: dict, creators: dict[str, list[tuple[int, str, str]]]) -> Installation:
    values = dict(values)
    tenant = values.pop("tenant")
    product = product_for(values.pop("product_name"), values.pop("product_vendor", ""))
    name = values.pop("name")
    found, _created = Installation.objects.update_or_create(
        tenant_id=tenant, product=product, name=name, defaults=values
    )
    if "records_creators_text" in values:
        wanted = values["records_creators_text"]
        found.records_creators.set(_creators(creators.get(tenant, []), wanted))
    return found


def _creator_index(tenants: set[str]) -> dict[str, list[tuple[int, str, str]]]:
    """(pk, name, code) of the records creators of each tenant: one query per import."""
    from samarkiv.catalog.models import RecordsCreator

    index: dict[str, list[tuple[int, str, str]]] = {}
    rows = RecordsCreator.objects.filter(tenant_id__in=tenants)
    for tenant, pk, name, code in rows.values_list("tenant_id", "pk", "name", "code"):
        index.setdefault(tenant, []).append((pk, name, code))
    return index


def _creators(own: list[tuple[int, str, str]], text: str) -> list[int]:
    """The municipality's records creators (``own``) named (by name or code) in the text."""
    wanted = {part.strip().casefold() for part in text.split(";") if part.strip()}
    return [pk for pk, name, code in own if name.casefold() in wanted or code.casefold() in wanted]


# --------------------------------------------------------------------------- writing


def _cell(installation: Installation, column: Column) -> object:
    if column.field == "tenant":
        return installation.tenant_id
    if column.field == "product_name":
        return installation.product.name
    if column.field == "product_vendor":
        return installation.product.vendor
    if column.field == "agreement":
        return installation.agreement.code if installation.agreement else ""
    value = getattr(installation, column.field)
    if column.kind == "types":
        words = {"keep": "bevaras", "dispose": "gallras"}
        return "; ".join(f"{t['name']}:{words[t['retention']]}" for t in value or [])
    if column.kind == "bool":
        return "ja" if value else "nej"
    if column.kind == "decimal":
        return float(value)
    return value if value is not None else ""


def table(installations) -> list[list[object]]:
    return [[_cell(inst, c) for c in COLUMNS] for inst in installations]


def export_bytes(installations, filename: str) -> bytes:
    """The installations as CSV (';', UTF-8 with BOM for Excel) or XLSX, by extension."""
    rows = table(installations)
    if filename.lower().endswith(".xlsx"):
        return _xlsx(rows)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADERS)
    for row in rows:
        writer.writerow(["" if v is None else (v.isoformat() if isinstance(v, date) else v)
                         for v in row])  # fmt: skip
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _xlsx(rows: list[list[object]], with_help: bool = False) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Inventering"
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    for index, column in enumerate(COLUMNS, start=1):
        if column.kind == "date":
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = "yyyy-mm-dd"
    if with_help:
        notes = book.create_sheet("Instruktioner")
        notes.append(["kolumn", "obligatorisk", "innehåll"])
        for column in COLUMNS:
            notes.append([column.header, "ja" if column.required else "nej", column.help])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


TEMPLATE_EXAMPLE = [
    "ystad", "Public 360", "Tietoevry", "Kommunstyrelsens diarium", "diarium",
    "Kommunstyrelsen; Kultur- och fritidsnämnden",
    "Diarieförda handlingar:bevaras; Loggar:gallras",
    120, 450000, "PDF/A, XML", "ja", "nej", "nej", 0, date(2028, 6, 30), date(2027, 12, 31),
    180000, 90000, 40000, "nej", 120, "ja", "ja", "", "nej", 160, "", "",
]  # fmt: skip


def template_bytes() -> bytes:
    """The documented template: headers, one example row, a sheet of instructions."""
    return _xlsx([TEMPLATE_EXAMPLE], with_help=True)
