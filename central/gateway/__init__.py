"""The storefront gateway: per-IP and per-customer token buckets in front of central's routes,
with separate budgets for search, checkout and login-like routes. Buckets live in Redis when
central is given one (shared by every worker and server), in the process otherwise."""
