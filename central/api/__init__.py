"""Central's HTTP API (FastAPI): routers, request schemas, auth, error handlers, metrics."""
