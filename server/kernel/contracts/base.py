"""The contract of an outbox event: a typed, versioned structure that the emitter builds and every
consumer reads, checked on both sides. `emit()` refuses a payload that does not match its topic's
contract (a bug found in the emitter's transaction, before anything is committed), and the
dispatcher checks it again before a consumer runs (an old or hand-written row fails that consumer
alone, with the reason, instead of a KeyError deep in a handler).

Versioning: a contract's VERSION goes up when a field changes meaning or is removed (adding an
optional field is not a new version). The row keeps the version it was written with, and
`upcast` turns an older payload into the current shape, so events written before a deploy are
still delivered after it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any, ClassVar, Self

from pydantic import BaseModel, ConfigDict, PlainSerializer, ValidationError

from server.kernel.clock import as_utc

# Times travel as ISO 8601 in UTC, written the way `datetime.isoformat()` writes them.
Instant = Annotated[datetime, PlainSerializer(lambda value: as_utc(value).isoformat(), return_type=str)]


class ContractError(ValueError):
    """A payload that does not match its topic's contract, or a topic with no contract."""


class Part(BaseModel):
    """A nested structure inside an event (a line, a result): strict about unknown fields."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Event(Part):
    """An outbox event. Subclasses set TOPIC, EMITTED_BY and (when it changes) VERSION; the class
    docstring is what `docs/events.md` says about it."""

    TOPIC: ClassVar[str]
    VERSION: ClassVar[int] = 1
    EMITTED_BY: ClassVar[str]

    def payload(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    @classmethod
    def upcast(cls, payload: Mapping[str, Any], version: int) -> Mapping[str, Any]:
        """An older version's payload in the current shape; override when VERSION goes up."""
        if version != cls.VERSION:
            raise ContractError(f"{cls.TOPIC} has no upcast from version {version} to {cls.VERSION}")
        return payload

    @classmethod
    def read(cls, payload: Mapping[str, Any], version: int | None = None) -> Self:
        """The typed event from a stored payload (as consumers read it)."""
        try:
            return cls.model_validate(cls.upcast(payload, version or cls.VERSION))
        except ValidationError as exc:
            raise ContractError(f"{cls.TOPIC} v{version or cls.VERSION}: {_reasons(exc)}") from None


CONTRACTS: dict[str, type[Event]] = {}


def register(*contracts: type[Event]) -> None:
    for contract in contracts:
        CONTRACTS[contract.TOPIC] = contract


def contract_for(topic: str) -> type[Event]:
    contract = CONTRACTS.get(topic)
    if contract is None:
        raise ContractError(f"no contract for event topic {topic!r}: add one under server/kernel/contracts")
    return contract


def checked_payload(topic: str, payload: Mapping[str, Any] | Event) -> dict[str, Any]:
    """What `emit` stores: the payload as its contract writes it, or a ContractError."""
    contract = contract_for(topic)
    if isinstance(payload, Event):
        if not isinstance(payload, contract):
            raise ContractError(f"a {type(payload).__name__} emitted under topic {topic!r}")
        return payload.payload()
    return contract.read(payload).payload()


def _reasons(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(map(str, e['loc'])) or '(payload)'}: {e['msg']}" for e in exc.errors()[:5])
