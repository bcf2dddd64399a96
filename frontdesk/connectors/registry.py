"""The adapters by connector kind: the one place that knows which networks exist."""

from __future__ import annotations

from typing import TYPE_CHECKING

from frontdesk.connectors.base import Adapter
from frontdesk.connectors.choices import ConnectorKind
from frontdesk.connectors.telegram.adapter import TelegramAdapter
from frontdesk.connectors.vk.adapter import VkAdapter
from frontdesk.connectors.webhook.adapter import WebhookAdapter

if TYPE_CHECKING:
    from frontdesk.connectors.models import Connector

ADAPTERS: dict[str, Adapter] = {
    ConnectorKind.TELEGRAM: TelegramAdapter(),
    ConnectorKind.VK: VkAdapter(),
    ConnectorKind.WEBHOOK: WebhookAdapter(),
}


def adapter_for(connector: Connector) -> Adapter:
    return ADAPTERS[connector.kind]


def can_answer(kind: str) -> bool:
    """Whether answers can be sent back through connectors of this kind."""
    return kind != ConnectorKind.WEBHOOK
