"""Planning pages in the isolation matrix: tenant B's (Ystad's) inventory and plan item.

B's installation carries the marker in every text a municipality types (its name,
records creators, information types, notes) and is linked to B's agreement; the
product name is shared across municipalities by design and carries no marker. Host
planners see B's item in the plan, but never B's words; A's staff see it only as
(system, municipality, quarter).
"""

from __future__ import annotations

from tests.tenancy.world import MARK, OTHER, World

PAGES = {
    "planning_ui:installation_edit": lambda w: {"pk": w.extra["planning_installation"].pk},
}


def build(world: World) -> None:
    from samarkiv.accounts.scope import operator_scope
    from samarkiv.planning.models import Installation
    from samarkiv.planning.service import product_for, run_plan

    installation = Installation.objects.create(
        tenant_id=OTHER,
        product=product_for("Ciceron", "Formpipe"),
        name=f"{MARK} diarium",
        records_creators_text=f"{MARK} nämnd",
        information_types=[{"name": f"{MARK} akter", "retention": "keep"}],
        notes=f"{MARK} anteckning",
        agreement=world.agreement,
        licence_cost=1_234_567,
        effort_hours=100,
        registry_care_done=True,
        disposal_done=True,
    )
    run_plan(operator_scope())
    world.extra["planning_installation"] = installation
