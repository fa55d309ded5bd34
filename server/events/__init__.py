"""Delivering outbox events to the handlers each domain registers."""

from server.events.dispatcher import EventHandler, OutboxDispatcher
from server.events.retry import RetryPolicy

__all__ = ["EventHandler", "OutboxDispatcher", "RetryPolicy"]
