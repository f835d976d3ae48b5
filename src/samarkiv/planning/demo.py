"""Demo data of this domain, loaded by ``samarkiv demo`` (web.commands.DEMO_STEPS).

A plausible inventory for the Skåne cooperation: the systems Swedish municipalities
actually run (diarium, social services, building permits, HR, finance, school), with
costs scaled to each municipality's size, contract and support dates in the coming
years, and two pilots (Ystad's and Bjuv's diaria, as in SkånEarkiv's pilots). The
figures are invented for the demo, not anybody's real costs. Then a first plan.
"""

from __future__ import annotations

from datetime import date

# (product, vendor, domain, licence, operations, support, export path, effort hours)
# Costs are for a municipality of ~30 000 inhabitants (size factor 1.0), SEK per year.
PRODUCTS = {
    "p360": ("Public 360", "Tietoevry", "diarium", 210_000, 95_000, 45_000, "fgs", 160),
    "ciceron": ("Ciceron", "Formpipe", "diarium", 160_000, 80_000, 35_000, "fgs", 160),
    "w3d3": ("W3D3", "Formpipe", "diarium", 95_000, 60_000, 30_000, "fgs", 140),
    "lifecare": ("Lifecare", "Tietoevry", "social", 420_000, 180_000, 90_000, "module", 320),
    "procapita": ("Procapita", "Tietoevry", "social", 260_000, 140_000, 70_000, "module", 280),
    "treserva": ("Treserva", "CGI", "social", 380_000, 160_000, 80_000, "module", 300),
    "byggr": ("ByggR", "Sokigo", "building", 140_000, 60_000, 30_000, "fgs", 180),
    "ecos": ("Ecos", "Sokigo", "building", 110_000, 50_000, 25_000, "siard", 160),
    "heroma": ("Heroma", "CGI", "hr", 300_000, 120_000, 60_000, "siard", 240),
    "personec": ("Personec P", "Visma", "hr", 240_000, 100_000, 50_000, "siard", 220),
    "raindance": ("Raindance", "CGI", "finance", 280_000, 110_000, 55_000, "siard", 200),
    "extens": ("Extens", "IST", "school", 150_000, 60_000, 30_000, "module", 160),
    "tietoedu": ("Tieto Education", "Tietoevry", "school", 170_000, 70_000, 35_000, "module", 180),
    "skolaps": ("Procapita Skola", "Tietoevry", "school", 90_000, 70_000, 30_000, "siard", 200),
    "asynja": ("Asynja", "Visma", "social", 60_000, 50_000, 20_000, "module", 120),
}

KINDS = {
    "diarium": [("Diarieförda handlingar", "keep"), ("Ärendeloggar", "dispose")],
    "social": [
        ("Personakter SoL/LSS", "keep"),
        ("Personakter, gallringsbara", "dispose"),
        ("Journalanteckningar", "dispose"),
    ],  # fmt: skip
    "building": [("Bygglovsärenden", "keep"), ("Ritningar", "keep"), ("Tillsyn", "dispose")],
    "hr": [("Anställningsuppgifter", "keep"), ("Lönespecifikationer", "dispose")],
    "finance": [
        ("Årsredovisning", "keep"),
        ("Verifikationer", "dispose"),
        ("Leverantörsreskontra", "dispose"),
    ],  # fmt: skip
    "school": [("Betygskataloger", "keep"), ("Frånvaro", "dispose")],
}
TITLES = {
    "diarium": "Diarium",
    "social": "Socialtjänstens verksamhetssystem",
    "building": "Bygglov och miljötillsyn",
    "hr": "Personal och lön",
    "finance": "Ekonomisystem",
    "school": "Elevadministration",
}
REQUESTS = {"diarium": 120, "social": 260, "building": 900, "hr": 60, "finance": 25, "school": 400}

# tenant -> (size factor, systems); the first diarium of ystad and bjuv are pilots.
MUNICIPALITIES = {
    "lund": (4.0, ["p360", "lifecare", "byggr", "heroma", "raindance", "tietoedu"]),
    "bjuv": (0.5, ["w3d3", "procapita", "ecos", "personec", "raindance", "extens"]),
    "horby": (0.5, ["ciceron", "treserva", "byggr", "heroma", "raindance"]),
    "klippan": (0.6, ["w3d3", "procapita", "byggr", "personec", "raindance", "skolaps"]),
    "landskrona": (1.5, ["p360", "lifecare", "byggr", "heroma", "raindance", "extens"]),
    "perstorp": (0.25, ["w3d3", "treserva", "ecos", "personec", "raindance"]),
    "simrishamn": (0.6, ["ciceron", "procapita", "byggr", "heroma", "raindance", "asynja"]),
    "sjobo": (0.6, ["w3d3", "treserva", "byggr", "heroma", "raindance"]),
    "tomelilla": (0.45, ["ciceron", "procapita", "ecos", "heroma", "raindance"]),
    "ystad": (1.0, ["ciceron", "lifecare", "byggr", "heroma", "raindance", "tietoedu"]),
    "astorp": (0.5, ["w3d3", "procapita", "byggr", "personec", "raindance"]),
    "angelholm": (1.4, ["p360", "treserva", "byggr", "personec", "raindance", "extens"]),
    "orkelljunga": (0.3, ["w3d3", "procapita", "ecos", "personec", "raindance"]),
    "svedala": (0.7, ["p360", "lifecare", "byggr", "heroma", "raindance", "skolaps"]),
    "skurup": (0.5, ["ciceron", "treserva", "byggr", "heroma", "raindance"]),
    "trelleborg": (1.5, ["p360", "lifecare", "byggr", "heroma", "raindance", "tietoedu"]),
}
PILOTS = {("ystad", "ciceron"), ("bjuv", "w3d3")}
CEASED = {("simrishamn", "asynja"), ("klippan", "skolaps"), ("svedala", "skolaps")}


def _dates(n: int, key: str) -> tuple[date, date | None]:
    """Support end 2026–2031 and contract end, spread deterministically per row."""
    seed = sum(map(ord, key)) + n * 7
    support = date(2026 + seed % 6, 1 + seed % 12, 1 + seed % 27)
    contract = None if seed % 3 == 0 else date(2027 + seed % 4, 12, 31)
    return support, contract


def _values(code: str, size: float, key: str, n: int) -> dict:
    name, vendor, domain, licence, ops, support, export, effort = PRODUCTS[key]
    ceased = (code, key) in CEASED
    end_of_support, contract_end = _dates(n, code + key)
    done = (n + len(code)) % 3 != 0  # about a third still wait for registervård/gallring
    return {
        "domain": domain,
        "information_types": [{"name": k, "retention": r} for k, r in KINDS[domain]],
        "volume_gb": round(size * {"fgs": 80, "siard": 20, "module": 45}[export], 1),
        "record_count": int(size * 60_000 * (1 + n % 3)),
        "formats": {"fgs": "XML, PDF/A", "siard": "SIARD 2.2", "module": "XML, PDF"}[export],
        "fgs_export": export == "fgs",
        "siard_able": export == "siard",
        "vendor_export_module": export == "module",
        "export_module_cost": 85_000 if export == "module" else 0,
        "end_of_support": end_of_support,
        "contract_end": None if ceased else contract_end,
        "licence_cost": 0 if ceased else int(licence * size),
        "operations_cost": int(ops * size * (0.5 if ceased else 1)),
        "support_cost": int(support * size),
        "activity_ceased": ceased,
        "requests_per_year": int(REQUESTS[domain] * size),
        "registry_care_done": done,
        "disposal_done": done,
        "prerequisites_expected": None if done else date(2027, 3 + 3 * (n % 3), 30),
        "pilot": (code, key) in PILOTS,
        "effort_hours": int(effort * (0.7 if (code, key) in PILOTS else 1)),
        "records_creators_text": {
            "diarium": "Kommunstyrelsen; Kultur- och fritidsnämnden",
            "social": "Socialnämnden; Vård- och omsorgsnämnden",
            "building": "Byggnadsnämnden; Miljönämnden",
            "hr": "Kommunstyrelsen",
            "finance": "Kommunstyrelsen",
            "school": "Barn- och utbildningsnämnden",
        }[domain],
    }


def load_demo() -> int:
    """The demo inventory and a first plan; 0 = success."""
    from samarkiv.accounts.scope import operator_scope
    from samarkiv.catalog.models import Tenant
    from samarkiv.errors import SamarkivError
    from samarkiv.planning.models import Installation
    from samarkiv.planning.service import product_for, run_plan

    known = set(Tenant.objects.values_list("code", flat=True))
    for code, (size, keys) in MUNICIPALITIES.items():
        if code not in known:
            continue
        for n, key in enumerate(keys):
            name, vendor = PRODUCTS[key][:2]
            label = f"{TITLES[PRODUCTS[key][2]]} ({name})"
            Installation.objects.update_or_create(
                tenant_id=code,
                product=product_for(name, vendor),
                name=label,
                defaults=_values(code, size, key, n),
            )
    try:
        result, _scores, _items = run_plan(operator_scope(), today=date(2026, 11, 1))
    except SamarkivError as exc:
        print(f"Planning: the demo plan failed: {exc.message}")
        return 1
    placed = sum(1 for p in result.placements.values() if p.quarter is not None)
    print(f"Planning: {len(result.placements)} systems inventoried, {placed} placed in the plan")
    return 0
