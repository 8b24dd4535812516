"""Virtual VDA 5050 vehicles (`sklad-sim agv`) and the referee that watches them."""
