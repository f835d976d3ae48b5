"""PREMIS events and agents of an ingest, built as the steps run."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from django.utils import timezone

import samarkiv
from samarkiv.packages.model import (
    AgentType,
    EventOutcome,
    EventType,
    PremisAgent,
    PremisEvent,
    TenantRef,
)

SAMARKIV_AGENT_ID = f"samarkiv/{samarkiv.__version__}"


def samarkiv_agent() -> PremisAgent:
    return PremisAgent(
        SAMARKIV_AGENT_ID, "samarkiv", AgentType.SOFTWARE, f"version {samarkiv.__version__}"
    )


def tenant_agent(tenant: TenantRef) -> PremisAgent:
    return PremisAgent(f"tenant:{tenant.code}", tenant.name, AgentType.ORGANIZATION)


@dataclass
class EventLog:
    """The events of one ingest, in order, with the agents they name."""

    agents: dict[str, PremisAgent] = field(default_factory=dict)
    events: list[PremisEvent] = field(default_factory=list)

    def agent(self, agent: PremisAgent) -> str:
        self.agents.setdefault(agent.identifier, agent)
        return agent.identifier

    def add(
        self,
        event_type: EventType,
        outcome: EventOutcome,
        detail: str,
        *,
        outcome_detail: str = "",
        agents: tuple[str, ...] = (SAMARKIV_AGENT_ID,),
        objects: tuple[str, ...] = (),
    ) -> PremisEvent:
        event = PremisEvent(
            identifier=str(uuid.uuid4()),
            event_type=event_type,
            date_time=timezone.now(),
            outcome=outcome,
            detail=detail,
            outcome_detail=outcome_detail,
            agent_ids=agents,
            object_ids=objects,
        )
        self.events.append(event)
        return event
