"""The robot fleet: road graph, transport tasks, dispatch, traffic control (pure), and the fleet
service that wires them to VDA 5050 master control and the ledger."""
