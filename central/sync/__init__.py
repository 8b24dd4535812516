"""Central's side of sync: applying edge movement batches, and the long-polled feed.

The pure rules (what a batch means, replay/gap/fence) live in the `sync` package; this package
does the storage: one transaction per batch that locks the warehouse's cursor, stores the
movements, moves the stock view and the shipments, and advances the cursor.
"""
