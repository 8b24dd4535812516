"""A simulated network label printer (`sklad-sim printer`)."""
