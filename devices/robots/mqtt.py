"""The MQTT link: one paho-mqtt 2.x client whose network thread hands every message to the
asyncio loop at once (a slow callback would stall the keepalive and drop the connection).

paho reconnects by itself (loop_start) with exponential backoff between `min_backoff` and
`max_backoff`; subscriptions are renewed on every (re)connect.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

import paho.mqtt.client as mqtt

from devices.robots.codec import Packet
from devices.robots.errors import LocalError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BrokerConfig:
    host: str = "127.0.0.1"
    port: int = 1883
    tls: bool = False
    username: str | None = None
    password: str | None = None
    ca_file: str | None = None
    cert_file: str | None = None
    key_file: str | None = None
    keepalive: int = 15
    min_backoff: float = 0.5
    max_backoff: float = 30.0

    @classmethod
    def from_url(cls, url: str, **extra) -> BrokerConfig:
        """mqtt://[user:password@]host[:port] or mqtts://… (TLS); credentials may also come in `extra`."""
        parts = urlsplit(url)
        if parts.scheme not in ("mqtt", "mqtts", "tcp", "ssl") or not parts.hostname:
            raise LocalError(f"broker URL {url!r} must look like mqtt://host:1883 or mqtts://host:8883")
        tls = parts.scheme in ("mqtts", "ssl")
        fields = {"host": parts.hostname, "port": parts.port or (8883 if tls else 1883), "tls": tls}
        if parts.username:
            fields["username"] = unquote(parts.username)
        if parts.password:
            fields["password"] = unquote(parts.password)
        return cls(**(fields | {k: v for k, v in extra.items() if v is not None}))

    @property
    def url(self) -> str:
        return f"{'mqtts' if self.tls else 'mqtt'}://{self.host}:{self.port}"


Receiver = Callable[[str, bytes], None]


class MqttLink:
    def __init__(self, broker: BrokerConfig, client_id: str, loop: asyncio.AbstractEventLoop, receiver: Receiver,
                 *, subscriptions: tuple[tuple[str, int], ...] = (), will: Packet | None = None,
                 on_connected: Callable[[bool], None] | None = None) -> None:
        self.broker, self.loop, self.receiver, self.client_id = broker, loop, receiver, client_id
        self.subscriptions = subscriptions
        self.on_connected = on_connected
        self.connected = False
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id, clean_session=True)
        self.client.reconnect_delay_set(min_delay=max(1, int(broker.min_backoff)), max_delay=int(broker.max_backoff))
        self.client.max_queued_messages_set(10000)
        if broker.username is not None:
            self.client.username_pw_set(broker.username, broker.password)
        if broker.tls:
            self.client.tls_set(ca_certs=broker.ca_file, certfile=broker.cert_file, keyfile=broker.key_file,
                                cert_reqs=ssl.CERT_REQUIRED)
        if will is not None:
            self.client.will_set(will.topic, will.payload, will.qos, will.retain)
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.client.on_message = self._on_message

    def start(self) -> None:
        self.client.connect_async(self.broker.host, self.broker.port, keepalive=self.broker.keepalive)
        self.client.loop_start()

    def publish(self, packet: Packet) -> None:
        self.client.publish(packet.topic, packet.payload, packet.qos, packet.retain)

    def stop(self, last: Packet | None = None) -> None:
        """Disconnect cleanly (no last will), after publishing `last` if given."""
        if last is not None and self.connected:
            self.client.publish(last.topic, last.payload, last.qos, last.retain).wait_for_publish(2.0)
        self.client.disconnect()
        self.client.loop_stop()

    def drop(self) -> None:
        """Lose the connection without DISCONNECT, as a crash or a cut cable would: the broker then
        publishes the last will. Used by fault injection."""
        sock = self.client.socket()
        self.client.loop_stop()
        if sock is not None:
            sock.close()

    # paho's network thread: do nothing here but hand over to the loop.

    def _on_connect(self, client, userdata, flags, reason_code, properties) -> None:
        if reason_code.is_failure:
            log.warning("broker %s refused %s: %s", self.broker.url, self.client_id, reason_code)
            return
        for topic, qos in self.subscriptions:
            client.subscribe(topic, qos)
        self.connected = True
        if self.on_connected:
            self.loop.call_soon_threadsafe(self.on_connected, True)

    def _on_disconnect(self, client, userdata, flags, reason_code, properties) -> None:
        self.connected = False
        if self.on_connected and not self.loop.is_closed():
            self.loop.call_soon_threadsafe(self.on_connected, False)

    def _on_message(self, client, userdata, message) -> None:
        if not self.loop.is_closed():
            self.loop.call_soon_threadsafe(self.receiver, message.topic, message.payload)
