"""Use cases: short handlers `(central, command)` over the database and the acquirer."""
