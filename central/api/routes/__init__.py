"""FastAPI routers, one module per audience."""
