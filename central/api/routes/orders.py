"""Customer orders: checkout, status, cancel."""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor

from fastapi import APIRouter, Request, Response
from fastapi.routing import APIRoute
from pydantic import ValidationError

from central.api.auth import CallerDep, CentralDep, CustomerDep
from central.api.metrics import Metrics
from central.api.schemas import ERROR_RESPONSES, CancelIn, IdPath, PlaceOrderIn
from central.domain.orders import Line
from central.errors import OutOfStock
from central.logistics.customer import with_delivery
from central.logistics.views import TrackedOrderView
from central.services.checkout import PlaceOrder, place_order
from central.services.orders import CancelOrder, cancel_order, get_order
from central.services.views import OrderView

# The checkout's one thread hop goes through a plain executor: anyio's run_in_threadpool costs
# several times more CPU per call in task and limiter bookkeeping. As many threads as anyio's
# default limit, so as many checkouts run at once as before; one executor per process.
_CHECKOUT_THREADS = ThreadPoolExecutor(max_workers=40, thread_name_prefix="checkout")


def build(metrics: Metrics) -> APIRouter:
    router = APIRouter(prefix="/orders", tags=["orders"], responses=ERROR_RESPONSES)

    async def create_order(body: PlaceOrderIn, central: CentralDep, who: CustomerDep) -> Response:
        """Hold stock for 15 minutes and start the payment; pay via `payment.redirect_url`.

        The same idempotency key returns the same order (200); with another basket, 409.
        """
        cmd = PlaceOrder(customer_id=who.customer_id or "", idempotency_key=body.idempotency_key,
                         pickup_point_id=body.pickup_point_id,
                         lines=tuple(Line(ln.sku, ln.qty) for ln in body.lines))
        try:
            placed = await asyncio.get_running_loop().run_in_executor(
                _CHECKOUT_THREADS, contextvars.copy_context().run, place_order, central, cmd)
        except OutOfStock:
            metrics.orders.labels("out_of_stock").inc()
            raise
        metrics.orders.labels("created" if placed.created else "replayed").inc()
        # The hottest endpoint: one thread hop for the blocking work, and the OrderView the
        # service built (and so validated) goes out as JSON without a second validation.
        return Response(placed.order.model_dump_json(), status_code=201 if placed.created else 200,
                        media_type="application/json")

    router.add_api_route("", create_order, methods=["POST"], response_model=OrderView,
                         status_code=201, route_class_override=_CheckoutRoute)

    @router.get("/{order_id}", response_model=TrackedOrderView)
    def read_order(order_id: IdPath, central: CentralDep, who: CallerDep) -> TrackedOrderView:
        """Status, shipments and their warehouses, each shipment's delivery state and ETA. Customers see
        only their own orders. READY_FOR_PICKUP: every shipment is at the pickup point; COMPLETED: collected."""
        return with_delivery(central, get_order(central, order_id, who.customer_id))

    @router.post("/{order_id}/cancel", response_model=OrderView)
    def cancel(order_id: IdPath, central: CentralDep, who: CallerDep,
               body: CancelIn | None = None) -> OrderView:
        """Cancel before shipping: the stock is released and warehouses are told."""
        reason = body.reason if body else CancelIn().reason
        return cancel_order(central, CancelOrder(order_id, who.customer_id, reason))

    return router


class _CheckoutRoute(APIRoute):
    """POST /orders: documented and declared as FastAPI does, with a shortcut for the usual case.

    A JSON body that validates, sent with a customer token central.api.access has recognised,
    goes to the endpoint with its arguments built here: no dependency solving, no JSON parsed
    into dicts and validated again (the model validates the raw bytes). Anything else — the
    admin token, another content type, a body that does not validate — goes through FastAPI's
    own handler unchanged, so every error and its body stay what they are for every other
    endpoint (no token never gets this far: 401 before the body is read).
    """

    def get_route_handler(self) -> Callable[[Request], Awaitable[Response]]:
        full = super().get_route_handler()
        endpoint = self.endpoint

        async def handler(request: Request) -> Response:
            if request.headers.get("content-type") != "application/json":
                return await full(request)
            who = getattr(request.state, "caller", None)  # central.api.access recognised the token
            if who is None or who.is_admin:
                return await full(request)
            try:
                body = PlaceOrderIn.model_validate_json(await request.body())
            except ValidationError:
                return await full(request)  # the body is cached: FastAPI reads it again
            return await endpoint(body=body, central=request.app.state.central, who=who)

        return handler
