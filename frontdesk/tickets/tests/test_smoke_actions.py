from frontdesk.tickets import actions
from frontdesk.tickets.choices import EventKind, Status
from frontdesk.tickets.content import make_body
from frontdesk.tickets.escalation import WorkLog
from frontdesk.tickets.models import TicketEvent
from frontdesk.users.actors import actor_for


def test_a_ticket_goes_through_its_life_with_every_change_in_history(cast):
    ticket = cast.opera.ticket()
    assert ticket.number.startswith("OPR-")
    agent = actor_for(cast.opera.line1)
    actions.reply_to_ticket(
        ticket, actor=agent, body=make_body(text="We resent them."), status=Status.PENDING_CUSTOMER
    )
    actions.escalate_ticket(ticket, actor=agent, worklog=WorkLog("mail bounced", "resent twice"))
    kinds = list(TicketEvent.objects.filter(ticket=ticket).values_list("kind", flat=True))
    assert kinds == [EventKind.CREATED, EventKind.REPLIED, EventKind.STATUS_CHANGED, EventKind.ESCALATED]
