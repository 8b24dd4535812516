"""Customer returns (admin token): ask for a return of an order's shipped lines, and list them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from pydantic import Field

from central.api.auth import AdminDep, CentralDep
from central.api.schemas import ERROR_RESPONSES, Body, IdPath, Text, unique_by
from central.services.returns import ReturnView, WantedLine, list_returns, request_return

router = APIRouter(prefix="/admin", tags=["admin"], responses=ERROR_RESPONSES)

ReturnId = Annotated[str, Field(min_length=1, max_length=48, pattern=r"^[A-Za-z0-9_.:-]+$",
                                description="the client's id for this return; the same id again is a replay")]


class ReturnLineIn(Body):
    sku: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]
    qty: Annotated[int, Field(ge=1, le=1000)]
    reason: Text


class ReturnIn(Body):
    return_id: ReturnId
    lines: Annotated[list[ReturnLineIn], Field(min_length=1, max_length=100),
                     unique_by(lambda line: line.sku, "SKU", "sku")]


@router.post("/orders/{order_id}/returns", response_model=list[ReturnView], status_code=201)
def post_return(order_id: IdPath, body: ReturnIn, central: CentralDep, _: AdminDep) -> list[ReturnView]:
    """A customer's return of shipped lines (from the pickup point): one return notice per shipment
    goes into its warehouse's feed; the lines are refunded once the floor has received them. More
    than was shipped (less what came back already) is refused (409 `return_exceeds_shipped`)."""
    wanted = [WantedLine(line.sku, line.qty, line.reason) for line in body.lines]
    return request_return(central, order_id, body.return_id, wanted)


@router.get("/orders/{order_id}/returns", response_model=list[ReturnView])
def get_returns(order_id: IdPath, central: CentralDep, _: AdminDep) -> list[ReturnView]:
    """The order's returns: status (REQUESTED, REFUND_DUE, REFUNDED), lines with what the floor received."""
    return list_returns(central, order_id)
