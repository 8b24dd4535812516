"""Simulated Modbus devices (`sklad-sim modbus`)."""
