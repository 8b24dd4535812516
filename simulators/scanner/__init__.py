"""Virtual serial barcode scanners on ptys (`sklad-sim scanner`)."""
