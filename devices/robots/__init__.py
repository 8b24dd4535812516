"""VDA 5050 (2.0 and 2.1) master control: a pure protocol core plus a thin MQTT layer.

Pure (no I/O; time comes in as an argument): `versions`, `topics`, `headers`, `messages`,
`inbound`, `builders`, `instant`, `factsheet`, `lifecycle`, `vehicle`, `schema` (reads the
shipped schema files once, through importlib.resources). I/O: `mqtt` (paho-mqtt 2.x),
`master` (asyncio glue), `broker` (the embedded amqtt broker for machines without Mosquitto).
"""
