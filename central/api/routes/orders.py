"""Customer orders: checkout, status, cancel."""

from __future__ import annotations

from fastapi import APIRouter, Response
from starlette.concurrency import run_in_threadpool

from central.api.auth import CallerDep, CentralDep, CustomerDep
from central.api.metrics import Metrics
from central.api.schemas import ERROR_RESPONSES, CancelIn, IdPath, PlaceOrderIn
from central.domain.orders import Line
from central.errors import OutOfStock
from central.services.checkout import PlaceOrder, place_order
from central.services.orders import CancelOrder, cancel_order, get_order
from central.services.views import OrderView


def build(metrics: Metrics) -> APIRouter:
    router = APIRouter(prefix="/orders", tags=["orders"], responses=ERROR_RESPONSES)

    @router.post("", response_model=OrderView, status_code=201)
    async def create_order(body: PlaceOrderIn, central: CentralDep, who: CustomerDep) -> Response:
        """Hold stock for 15 minutes and start the payment; pay via `payment.redirect_url`.

        The same idempotency key returns the same order (200); with another basket, 409.
        """
        cmd = PlaceOrder(customer_id=who.customer_id or "", idempotency_key=body.idempotency_key,
                         pickup_point_id=body.pickup_point_id,
                         lines=tuple(Line(ln.sku, ln.qty) for ln in body.lines))
        try:
            placed = await run_in_threadpool(place_order, central, cmd)
        except OutOfStock:
            metrics.orders.labels("out_of_stock").inc()
            raise
        metrics.orders.labels("created" if placed.created else "replayed").inc()
        # The hottest endpoint: one thread hop for the blocking work, and the OrderView the
        # service built (and so validated) goes out as JSON without a second validation.
        return Response(placed.order.model_dump_json(), status_code=201 if placed.created else 200,
                        media_type="application/json")

    @router.get("/{order_id}", response_model=OrderView)
    def read_order(order_id: IdPath, central: CentralDep, who: CallerDep) -> OrderView:
        """Status, shipments and their warehouses. Customers see only their own orders."""
        return get_order(central, order_id, who.customer_id)

    @router.post("/{order_id}/cancel", response_model=OrderView)
    def cancel(order_id: IdPath, central: CentralDep, who: CallerDep,
               body: CancelIn | None = None) -> OrderView:
        """Cancel before shipping: the stock is released and warehouses are told."""
        reason = body.reason if body else CancelIn().reason
        return cancel_order(central, CancelOrder(order_id, who.customer_id, reason))

    return router
