"""Delivery after the floor ships: van routes from a warehouse to pickup points, and tracking.

Pure cores (no I/O): `lifecycle` (the delivery, stop and route transition tables), `travel`
(travel-time matrices), `problem` (what the solver is asked), `eta`, `svg`. The solver wrapper
around PyVRP is `solver`; `store`, `planning`, `tracking` and `fleet` are the services.
"""
