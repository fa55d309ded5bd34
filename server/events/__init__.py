"""Delivering outbox events to the handlers each domain registers."""

from server.events.dispatcher import EventHandler, OutboxDispatcher

__all__ = ["EventHandler", "OutboxDispatcher"]
