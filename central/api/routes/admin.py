"""Catalog, network, stock and feed operations: admin token only."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter

from central.api.auth import AdminDep, CentralDep
from central.api.schemas import (
    ERROR_RESPONSES,
    AsnIn,
    Count,
    Cursor,
    CustomerPath,
    CustomerTokenOut,
    DiscrepancyPath,
    FeedSeqOut,
    IdPath,
    IdQuery,
    Limit,
    PickupPointBatch,
    PickupPointIn,
    ResolveIn,
    RowCursor,
    SkuBatch,
    SkuIn,
    StockImport,
    SweepOut,
    WarehouseIn,
    WarehouseOut,
    WarehouseTokenIn,
)
from central.services import catalog
from central.services.catalog import Site, SkuRecord
from central.services.discrepancies import DiscrepancyView, list_discrepancies, resolve_discrepancy
from central.services.feed_outcomes import FeedRejectionView, list_rejections
from central.services.sweep import sweep_once
from central.services.views import FeedPage, StockLevelView
from central.tokens import issue_customer_token
from sync.feed import AdvanceShippingNotice, Dims

router = APIRouter(prefix="/admin", tags=["admin"], responses=ERROR_RESPONSES)


@router.put("/skus", response_model=Count)
def upsert_skus(body: SkuBatch, central: CentralDep, _: AdminDep) -> Count:
    records = [SkuRecord(sku=i.sku, seller_id=i.seller_id, name=i.name, gtins=tuple(i.gtins),
                         unit_weight_g=i.unit_weight_g, length_mm=i.dims_mm.length_mm,
                         width_mm=i.dims_mm.width_mm, height_mm=i.dims_mm.height_mm,
                         lot_tracked=i.lot_tracked, price_minor=i.price_minor, brand=i.brand,
                         category_id=i.category_id, description=i.description,
                         attributes=i.attributes, images=tuple(i.images))
               for i in body.items]
    return Count(count=catalog.upsert_skus(central, records))


@router.get("/skus/{sku}", response_model=SkuIn)
def get_sku(sku: IdPath, central: CentralDep, _: AdminDep) -> SkuIn:
    r = catalog.get_sku(central, sku)
    return SkuIn(sku=r.sku, seller_id=r.seller_id, name=r.name, gtins=list(r.gtins),
                 unit_weight_g=r.unit_weight_g, lot_tracked=r.lot_tracked,
                 price_minor=r.price_minor, brand=r.brand, category_id=r.category_id,
                 description=r.description, attributes=r.attributes, images=list(r.images),
                 dims_mm=Dims(length_mm=r.length_mm, width_mm=r.width_mm,
                              height_mm=r.height_mm))


@router.put("/warehouses/{warehouse_id}", response_model=WarehouseOut)
def put_warehouse(warehouse_id: IdPath, body: WarehouseIn, central: CentralDep,
                  _: AdminDep) -> WarehouseOut:
    catalog.upsert_warehouse(central, Site(warehouse_id, body.name, body.lat, body.lon))
    return next(w for w in list_warehouses(central, _) if w.warehouse_id == warehouse_id)


@router.get("/warehouses", response_model=list[WarehouseOut])
def list_warehouses(central: CentralDep, _: AdminDep) -> list[WarehouseOut]:
    return [WarehouseOut(warehouse_id=s.site_id, name=s.name, lat=s.lat, lon=s.lon,
                         token_set=has_token)
            for s, has_token in catalog.list_warehouses(central)]


@router.put("/warehouses/{warehouse_id}/token", status_code=204)
def set_warehouse_token(warehouse_id: IdPath, body: WarehouseTokenIn, central: CentralDep,
                        _: AdminDep) -> None:
    """Set the sync token this warehouse's edge node will present (only its hash is kept)."""
    catalog.set_warehouse_token(central, warehouse_id, body.token)


@router.get("/warehouses/{warehouse_id}/feed", response_model=FeedPage)
def read_feed(warehouse_id: IdPath, central: CentralDep, _: AdminDep,
              after: Cursor = 0, limit: Limit = 100) -> FeedPage:
    """Commands for this warehouse with feed_seq > after, oldest first."""
    last, entries = catalog.read_feed(central, warehouse_id, after, limit)
    return FeedPage(warehouse_id=warehouse_id, after=after, last_seq=last, entries=entries)


@router.post("/warehouses/{warehouse_id}/asn", response_model=FeedSeqOut, status_code=201)
def announce_inbound(warehouse_id: IdPath, body: AsnIn, central: CentralDep, _: AdminDep) -> FeedSeqOut:
    """Advance shipping notice: goods on their way to this warehouse, expected at its receiving dock."""
    asn = AdvanceShippingNotice(asn_id=body.asn_id, warehouse_id=warehouse_id, lines=body.lines,
                                expected_at=body.expected_at)
    return FeedSeqOut(feed_seq=catalog.announce_inbound(central, asn))


@router.put("/pickup-points", response_model=Count)
def upsert_pickup_points(body: PickupPointBatch, central: CentralDep, _: AdminDep) -> Count:
    sites = [Site(p.pickup_point_id, p.name, p.lat, p.lon) for p in body.items]
    return Count(count=catalog.upsert_pickup_points(central, sites))


@router.get("/pickup-points/{pickup_point_id}", response_model=PickupPointIn)
def get_pickup_point(pickup_point_id: IdPath, central: CentralDep,
                     _: AdminDep) -> PickupPointIn:
    s = catalog.get_pickup_point(central, pickup_point_id)
    return PickupPointIn(pickup_point_id=s.site_id, name=s.name, lat=s.lat, lon=s.lon)


@router.post("/stock/import", response_model=Count)
def import_stock(body: StockImport, central: CentralDep, _: AdminDep) -> Count:
    """Set on_hand from a stock-take; later changes come only from warehouse movements."""
    levels = [(r.warehouse_id, r.sku, r.on_hand) for r in body.rows]
    return Count(count=catalog.import_stock(central, levels))


@router.get("/stock", response_model=list[StockLevelView])
def stock_levels(central: CentralDep, _: AdminDep, warehouse_id: IdQuery = None,
                 sku: IdQuery = None, limit: Limit = 100) -> list[StockLevelView]:
    return [StockLevelView(warehouse_id=s.warehouse_id, sku=s.sku, on_hand=s.on_hand,
                           reserved=s.reserved, available=s.available)
            for s in catalog.stock_levels(central, warehouse_id, sku, limit)]


@router.get("/discrepancies", response_model=list[DiscrepancyView])
def discrepancies(central: CentralDep, _: AdminDep, warehouse_id: IdQuery = None,
                  open_only: bool = True, after: Cursor = 0, limit: Limit = 100) -> list[DiscrepancyView]:
    """Where a warehouse's movements and central's view disagree (negative on hand, unknown SKU).

    Oldest first; page with `after` = the last `discrepancy_id` seen.
    """
    return list_discrepancies(central, warehouse_id, open_only, after, limit)


@router.get("/feed-rejections", response_model=list[FeedRejectionView])
def feed_rejections(central: CentralDep, _: AdminDep, warehouse_id: IdQuery = None, after: RowCursor = 0,
                    limit: Limit = 100) -> list[FeedRejectionView]:
    """Feed entries a warehouse's floor refused, with its code and reason, oldest first; page with
    `after` = the last `outcome_id` seen."""
    return list_rejections(central, warehouse_id, after, limit)


@router.post("/discrepancies/{discrepancy_id}/resolve", response_model=DiscrepancyView)
def mark_resolved(discrepancy_id: DiscrepancyPath, body: ResolveIn, central: CentralDep,
                  _: AdminDep) -> DiscrepancyView:
    """Mark a discrepancy resolved: what was found or done, and by whom. Stock is not changed;
    a correction comes from the warehouse as a movement.

    Sending the same resolution again returns it as recorded; a different one is a 409.
    """
    return resolve_discrepancy(central, discrepancy_id, body.resolution, body.resolved_by)


@router.post("/customers/{customer_id}/token", response_model=CustomerTokenOut)
def customer_token(customer_id: CustomerPath, central: CentralDep,
                   _: AdminDep) -> CustomerTokenOut:
    """Issue the bearer token a customer (or the storefront acting for them) uses; it is accepted
    until `expires_at` (SKLAD_CENTRAL_CUSTOMER_TOKEN_DAYS after issue, 30 by default)."""
    expires_at = central.clock() + timedelta(days=central.settings.customer_token_days)
    token = issue_customer_token(central.settings.secret, customer_id, expires_at)
    return CustomerTokenOut(customer_id=customer_id, token=token, expires_at=expires_at)


@router.post("/sweep", response_model=SweepOut)
def sweep(central: CentralDep, _: AdminDep) -> SweepOut:
    """Expire unpaid orders whose hold ran out, refund due payments and void orphan payment
    intents now, one batch of each, instead of waiting for the sweeper."""
    done = sweep_once(central)
    return SweepOut(expired=done.expired, refunded=done.refunded, voided=done.voided)
