"""HTTP: a brand's webhook endpoints, their delivery log and the replay action. Another brand's
endpoint is 404; bad input is a 422 problem with the field that is wrong."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.params import Parameter
from sqlmodel.ext.asyncio.session import AsyncSession

from server.kernel.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page
from server.kernel.principal import Principal, Role
from server.kernel.routing import roles
from server.webhooks.deliveries import DeliveryService
from server.webhooks.endpoints import EndpointService
from server.webhooks.schemas import DeliveryPublic, EndpointCreate, EndpointPublic, EndpointUpdate, SecretRotate

A, B = Role.ADMIN, Role.BRAND
AnyRequest = Request[Any, Any, Any]


def endpoints(db: AsyncSession, request: AnyRequest) -> EndpointService:
    settings = request.app.state.settings
    return EndpointService(db, settings.is_production, settings.egress_policy)


class WebhookEndpointController(Controller):
    path = "/api/v1/brands/{brand_id:str}/webhooks"
    tags = ["order webhooks"]

    @get("/", opt=roles(A, B), summary="The brand's webhook endpoints (secrets masked; disabled ones say why)")
    async def list_endpoints(
        self, db: AsyncSession, request: AnyRequest, principal: Principal, brand_id: str
    ) -> Page[EndpointPublic]:
        return await endpoints(db, request).list(principal, brand_id)

    @post("/", opt=roles(A, B), summary="Register an endpoint for chosen events; its signing secret is shown once")
    async def create_endpoint(
        self, db: AsyncSession, request: AnyRequest, principal: Principal, brand_id: str, data: EndpointCreate
    ) -> EndpointPublic:
        return await endpoints(db, request).create(principal, brand_id, data)

    @get("/{endpoint_id:str}", opt=roles(A, B), summary="One endpoint")
    async def get_endpoint(
        self, db: AsyncSession, request: AnyRequest, principal: Principal, brand_id: str, endpoint_id: str
    ) -> EndpointPublic:
        return await endpoints(db, request).get(principal, brand_id, endpoint_id)

    @patch("/{endpoint_id:str}", opt=roles(A, B), summary="Change the URL, events or description; enable/disable")
    async def update_endpoint(
        self,
        db: AsyncSession,
        request: AnyRequest,
        principal: Principal,
        brand_id: str,
        endpoint_id: str,
        data: EndpointUpdate,
    ) -> EndpointPublic:
        return await endpoints(db, request).update(principal, brand_id, endpoint_id, data)

    @post(
        "/{endpoint_id:str}/secret",
        opt=roles(A, B),
        status_code=200,
        summary="Rotate the signing secret (shown once); the old one also signs during the overlap window",
    )
    async def rotate_secret(
        self,
        db: AsyncSession,
        request: AnyRequest,
        principal: Principal,
        brand_id: str,
        endpoint_id: str,
        data: SecretRotate,
    ) -> EndpointPublic:
        return await endpoints(db, request).rotate(principal, brand_id, endpoint_id, data)

    @delete("/{endpoint_id:str}", opt=roles(A, B), summary="Remove the endpoint and its delivery log")
    async def delete_endpoint(
        self, db: AsyncSession, request: AnyRequest, principal: Principal, brand_id: str, endpoint_id: str
    ) -> None:
        await endpoints(db, request).delete(principal, brand_id, endpoint_id)

    @get("/{endpoint_id:str}/deliveries", opt=roles(A, B), summary="The delivery log, newest first, with attempts")
    async def deliveries(
        self,
        db: AsyncSession,
        request: AnyRequest,
        principal: Principal,
        brand_id: str,
        endpoint_id: str,
        cursor: str | None = Parameter(default=None, max_length=40),
        limit: int = Parameter(default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    ) -> Page[DeliveryPublic]:
        service = DeliveryService(db, endpoints(db, request))
        return await service.log(principal, brand_id, endpoint_id, cursor, limit)

    @post(
        "/{endpoint_id:str}/deliveries/{delivery_id:str}/replay",
        opt=roles(A, B),
        status_code=202,
        summary="Send a delivery again (same body and id)",
    )
    async def replay(
        self,
        db: AsyncSession,
        request: AnyRequest,
        principal: Principal,
        brand_id: str,
        endpoint_id: str,
        delivery_id: str,
    ) -> Response[DeliveryPublic]:
        service = DeliveryService(db, endpoints(db, request))
        return Response(await service.replay(principal, brand_id, endpoint_id, delivery_id), status_code=202)
