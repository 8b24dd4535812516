"""The device hub of the edge node: scanners, Modbus devices and label printers declared in the
warehouse file, and the floor flows they drive.

    conveyor scan point   tote label -> the tote's shipment -> divert (tote, chute) to its sorter;
                          unknown tote, empty tote, cancelled shipment or unmapped destination ->
                          the reject chute. Divert confirmations from the PLC are published and
                          acknowledged.
    pack station          tote label + the scale's stable weight -> expected weight (catalog unit
                          weights x quantities + packaging) within tolerance -> Pack through the
                          ledger writer, or an exception task.
    put wall              item barcode -> the cubby whose shipment still needs it lights up with
                          the quantity; its button confirms the put (an event: the ledger loads
                          totes only by picking, so a put changes no stock).
    label printer         a shipment packed at its station -> SSCC from the ledger -> ZPL over TCP
                          9100; off / out of paper / garbage -> an exception task, and resolving
                          it (or a supervisor's reprint) prints the label again.

Every scan, point change, device UP/DOWN and flow outcome is published on the node's PUB socket.
Health is written to `<ledger>.devices.json` for `sklad-edge status` and to Prometheus gauges.
Declarations: see `config.py` and `edge/samples/devices.toml`.
"""
