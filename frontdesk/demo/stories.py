"""Ticket stories: what happens to each demo ticket, planned up front and played through the ticket actions.

A story is a list of steps at minute offsets from the ticket's creation: the customer writes, line 1 triages
and answers or asks, the ticket climbs to line 2 or 3 with work logs, waits for a third party, is handed back,
solved, reopened, closed. Where a story stops decides the ticket's final status. The loader merges the steps
of all tickets and plays them in time order on the simulated clock.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from frontdesk.demo.content import common
from frontdesk.demo.names import ascii_name
from frontdesk.demo.people import BrandWorld
from frontdesk.demo.spec import Texts, TicketTemplate, pick
from frontdesk.tickets import actions
from frontdesk.tickets.choices import CallDirection, Channel, MessageKind, Priority, Status
from frontdesk.tickets.content import make_body
from frontdesk.tickets.escalation import WorkLog
from frontdesk.tickets.models import Ticket
from frontdesk.users.actors import SYSTEM, Actor, actor_for, actor_for_customer
from frontdesk.users.models import Customer, User


def customer_actor(world: BrandWorld, customer: Customer) -> Actor:
    """The customer as the actor of their own messages: their account if they have one; otherwise the actor
    mail ingestion or a connector acts as for a known sender (a customer of this brand without a login)."""
    user = world.customer_users.get(customer.pk)
    if user is not None:
        return actor_for(user)
    return actor_for_customer(customer)


@dataclass
class TicketRun:
    world: BrandWorld
    template: TicketTemplate
    customer: Customer
    channel: Channel
    lang: str
    facts: dict[str, str]
    rng: random.Random
    ticket: Ticket | None = None

    @property
    def working(self) -> str:
        return self.world.spec.working_language

    def say(self, texts: Texts) -> str:
        return pick(self.rng, texts, self.lang, self.facts)

    def work_text(self, text: str) -> str:
        return pick(self.rng, {"en": text}, "en", self.facts)

    def customer_text(self, texts: Texts) -> str:
        text = self.say(texts)
        if self.channel in (Channel.EMAIL, Channel.WEB):
            return f"{text}\n\n{self.say(common.CUSTOMER_SIGN)}\n{self.customer.name}"
        return text

    def agent_text(self, agent: User, core: str) -> str:
        first = agent.get_short_name()
        if self.lang != "ru" and not first.isascii():  # Russian agents sign English mail in Latin letters
            first = ascii_name(first).title()
        facts = {**self.facts, "agent": first}
        greeting = pick(self.rng, common.GREETING, self.lang, facts)
        signoff = pick(self.rng, self.world.spec.replies["signoff"], self.lang, facts)
        if self.channel == Channel.CHAT:
            return core
        return f"{greeting}\n\n{core}\n\n{signoff}"

    def reply_channel(self) -> str:
        return Channel.EMAIL if self.channel in (Channel.PHONE, Channel.API) else self.channel


Step = Callable[[TicketRun], object]


@dataclass
class Story:
    run: TicketRun
    steps: list[tuple[float, Step]] = field(default_factory=list)
    minutes: float = 0.0

    def then(self, after: float, step: Step) -> None:
        self.minutes += after
        self.steps.append((self.minutes, step))

    def timeline(self, created: datetime) -> list[tuple[datetime, Step]]:
        return [(created + timedelta(minutes=offset), step) for offset, step in self.steps]


# --- steps -----------------------------------------------------------------------------------------------------


def _t(run: TicketRun) -> Ticket:
    assert run.ticket is not None, "the ticket is created by the story's first step"
    return run.ticket


def create(agent: User | None) -> Step:
    def step(run: TicketRun) -> None:
        world, template = run.world, run.template
        subject = run.say(template.subject)
        if agent is not None:  # an agent takes a call and writes it down
            body = f"{run.say(common.CALL_INTRO)}\n{run.say(template.body)}"
            run.ticket = actions.create_ticket(
                world.brand,
                actor=actor_for(agent),
                customer=run.customer,
                subject=subject,
                body=make_body(text=body),
                channel=Channel.PHONE,
                kind=MessageKind.CALL,
                call_direction=CallDirection.INBOUND,
                call_duration_seconds=run.rng.randint(90, 900),
                priority=Priority(template.priority),
                category=world.categories[template.category],
                tags=template.tags,
                team=world.teams[1],
                assignee=agent,
                language=run.lang,
            )
            return
        chosen = world.categories[template.category] if run.channel == Channel.WEB else None
        run.ticket = actions.create_ticket(
            world.brand,
            actor=customer_actor(world, run.customer),
            customer=run.customer,
            subject=subject,
            body=make_body(text=run.customer_text(template.body)),
            channel=run.channel,
            category=chosen,
            language=run.lang,
        )

    return step


def customer_says(texts: Texts) -> Step:
    def step(run: TicketRun) -> None:
        actions.reply_to_ticket(
            _t(run),
            actor=customer_actor(run.world, run.customer),
            body=make_body(text=run.customer_text(texts)),
        )

    return step


def triage(agent: User) -> Step:
    def step(run: TicketRun) -> None:
        template = run.template
        actions.update_ticket(
            _t(run),
            actor=actor_for(agent),
            team=run.world.teams[1],
            assignee=agent,
            category=run.world.categories[template.category],
            priority=template.priority,
            tags=template.tags,
        )

    return step


def agent_says(agent: User, texts: Texts, *, status: str | None = None) -> Step:
    def step(run: TicketRun) -> None:
        actions.reply_to_ticket(
            _t(run),
            actor=actor_for(agent),
            body=make_body(text=run.agent_text(agent, run.say(texts))),
            status=status,
            channel=run.reply_channel(),
        )

    return step


def note(agent: User, text: str) -> Step:
    def step(run: TicketRun) -> None:
        actions.add_note(_t(run), actor=actor_for(agent), body=make_body(text=run.work_text(text)))

    return step


def assign(by: User, to: User) -> Step:
    def step(run: TicketRun) -> None:
        actions.assign_ticket(_t(run), actor=actor_for(by), assignee=to)

    return step


def set_status(actor: User | None, status: str) -> Step:
    def step(run: TicketRun) -> None:
        actions.change_status(_t(run), actor=actor_for(actor) if actor else SYSTEM, status=status)

    return step


def raise_priority(agent: User) -> Step:
    def step(run: TicketRun) -> None:
        actions.update_ticket(_t(run), actor=actor_for(agent), priority=Priority.HIGH)

    return step


def escalate(agent: User, line: int, diagnosis: str, steps: str, request: str) -> Step:
    def step(run: TicketRun) -> None:
        log = WorkLog(
            diagnosis=run.work_text(diagnosis),
            steps_taken=run.work_text(steps),
            request=run.work_text(request),
            minutes_spent=run.rng.choice((5, 10, 15, 20, 30, 45)),
        )
        actions.escalate_ticket(_t(run), actor=actor_for(agent), worklog=log, to_team=run.world.teams[line])

    return step


def worklog(agent: User, diagnosis: str, steps: str) -> Step:
    def step(run: TicketRun) -> None:
        log = WorkLog(
            diagnosis=run.work_text(diagnosis),
            steps_taken=run.work_text(steps),
            minutes_spent=run.rng.choice((15, 20, 30, 45, 60, 90)),
        )
        actions.add_worklog(_t(run), actor=actor_for(agent), worklog=log)

    return step


def hand_back(agent: User, finding: str) -> Step:
    def step(run: TicketRun) -> None:
        words = common.WORKLOG[run.working]
        log = WorkLog(
            diagnosis=run.work_text(finding),
            steps_taken=words["fixed_steps"],
            request=words["hand_back"],
            minutes_spent=run.rng.choice((5, 10, 15)),
        )
        actions.return_ticket(_t(run), actor=actor_for(agent), worklog=log, to_team=run.world.teams[1])

    return step


def call_back(agent: User) -> Step:
    def step(run: TicketRun) -> None:
        body = f"{run.say(common.CALL_BACK)}\n{run.say(run.template.answer)}"
        actions.log_call(
            _t(run),
            actor=actor_for(agent),
            direction=CallDirection.OUTBOUND,
            duration_seconds=run.rng.randint(60, 600),
            body=make_body(text=body),
        )

    return step


def spend_time(agent: User) -> Step:
    def step(run: TicketRun) -> None:
        actions.log_time(_t(run), actor=actor_for(agent), minutes=run.rng.choice((5, 10, 15, 20, 30)))

    return step


# --- plans -----------------------------------------------------------------------------------------------------


def plan_story(run: TicketRun, status: str) -> Story:
    """The steps that bring a new ticket from ``run`` to ``status``, with plausible pauses between them."""
    rng, world, template = run.rng, run.world, run.template
    words = common.WORKLOG[run.working]
    story = Story(run)
    pace = 0.1 if run.channel == Channel.CHAT else 1.0

    def later(low: float, high: float) -> float:
        return rng.uniform(low, high)

    line1 = rng.choice(world.agents[1])
    phone = run.channel == Channel.PHONE
    story.then(0, create(line1 if phone else None))
    if status == Status.NEW:
        if not phone and rng.random() < 0.35:
            story.then(later(30, 900), customer_says(common.NUDGE))
        return story
    if status == Status.CLOSED and rng.random() < 0.06:
        story.then(later(5, 90), note(line1, words["duplicate"]))
        story.then(0.5, set_status(line1, Status.CLOSED))
        return story
    if not phone:
        story.then(later(5, 120) * pace, triage(line1))
    if len(world.agents[1]) > 1 and rng.random() < 0.2:
        colleague = rng.choice([a for a in world.agents[1] if a != line1])
        story.then(later(20, 240), note(line1, rng.choice(common.TRIAGE_NOTES[run.working])))
        story.then(0.5, assign(line1, colleague))
        line1 = colleague
    elif rng.random() < 0.25:
        story.then(later(5, 60), note(line1, rng.choice(common.TRIAGE_NOTES[run.working])))

    asks = template.question is not None and rng.random() < 0.6
    if asks or status == Status.PENDING_CUSTOMER:
        story.then(
            later(10, 180) * pace,
            agent_says(line1, template.question or common.GENERIC_QUESTION, status=Status.PENDING_CUSTOMER),
        )
        if status == Status.PENDING_CUSTOMER:
            return story
        story.then(later(60, 2880) * pace, customer_says(template.follow_up or common.GENERIC_FOLLOW_UP))
    elif phone:
        story.then(later(1, 30), set_status(line1, Status.OPEN))
    else:
        story.then(later(10, 180) * pace, agent_says(line1, common.ACKNOWLEDGE))
    if template.priority == Priority.NORMAL and rng.random() < 0.12:
        story.then(later(30, 600), note(line1, words["priority"]))
        story.then(0.5, raise_priority(line1))

    responder = line1
    esc = template.escalation
    if esc is not None and rng.random() < 0.75:
        story.then(later(30, 600) * pace, escalate(line1, 2, esc.diagnosis, esc.steps, esc.request))
        top = rng.choice(world.agents[2])
        story.then(later(15, 240), assign(top, top))
        finding = esc.line2_finding
        if esc.line3_request and rng.random() < 0.7:
            story.then(
                later(30, 600), escalate(top, 3, esc.line2_finding, words["line2_steps"], esc.line3_request)
            )
            top = rng.choice(world.agents[3])
            story.then(later(30, 480), assign(top, top))
            finding = esc.line3_finding or esc.line2_finding
        if esc.third_party and (status == Status.PENDING_THIRD_PARTY or rng.random() < 0.5):
            story.then(later(10, 120), agent_says(top, world.spec.replies["third_party"]))
            story.then(0.5, note(top, words["wait"].replace("{who}", esc.third_party)))
            story.then(0.5, set_status(top, Status.PENDING_THIRD_PARTY))
            if status == Status.PENDING_THIRD_PARTY:
                return story
            story.then(later(600, 4320), note(top, rng.choice(common.RESUMED_NOTES[run.working])))
            story.then(0.5, set_status(top, Status.OPEN))
        if status == Status.OPEN and rng.random() < 0.5:
            story.then(
                later(30, 300),
                worklog(top, words["progress"].replace("{finding}", finding), words["line2_steps"]),
            )
            return story
        story.then(later(30, 600), worklog(top, finding, words["fixed_steps"]))
        if rng.random() < 0.55:
            story.then(later(5, 60), hand_back(top, finding))
            story.then(later(10, 240), assign(line1, line1))
        else:
            responder = top

    if status == Status.PENDING_THIRD_PARTY:
        story.then(later(30, 600), agent_says(responder, world.spec.replies["third_party"]))
        story.then(0.5, note(responder, words["wait_generic"]))
        story.then(0.5, set_status(responder, Status.PENDING_THIRD_PARTY))
        return story
    if status == Status.ON_HOLD:
        story.then(later(30, 600), agent_says(responder, world.spec.replies["hold"]))
        story.then(0.5, note(responder, rng.choice(world.spec.notes["hold"])))
        story.then(0.5, set_status(responder, Status.ON_HOLD))
        return story
    if status == Status.OPEN:
        if rng.random() < 0.4:
            story.then(later(60, 1440), customer_says(common.NUDGE))
        return story

    if phone and rng.random() < 0.6:
        story.then(later(20, 600), call_back(responder))
        story.then(0.5, set_status(responder, Status.SOLVED))
    else:
        story.then(later(20, 600) * pace, agent_says(responder, template.answer, status=Status.SOLVED))
    story.then(0.5, spend_time(responder))
    if rng.random() < 0.12:
        story.then(later(120, 2880), customer_says(common.REOPEN))
        story.then(later(30, 600), agent_says(responder, common.REOPEN_ANSWER, status=Status.SOLVED))
    if status == Status.CLOSED:
        story.then(later(3 * 1440, 7 * 1440), set_status(None, Status.CLOSED))
    return story
