"""Item 8 of issue 14: a batch central refuses as malformed stops uploads in a visible `blocked`
state with the reason: in `sklad-edge status`, in the metrics, in what the supervisor's status
query returns, as a SyncAlert event; never an endless retry that still shows "online"."""

from __future__ import annotations

import json
import time

from sync_support import SAMPLE, central_ahead, running_agent, wait_until

from edge.cli import main as sklad_edge
from edge.ledger.status import ledger_status
from edge.metrics import NodeMetrics
from edge.sync_bridge import sync_status
from edge.sync_monitor import SyncAlerts


def edge_status(cfg, capsys) -> dict:
    assert sklad_edge(["status", "--config", str(SAMPLE), "--ledger", str(cfg.ledger_path)]) == 0
    return json.loads(capsys.readouterr().out)["sync"]


def test_a_refused_batch_blocks_uploads_visibly_until_the_node_is_fixed(cfg, capsys):
    with central_ahead(cfg) as (central, cfg):
        central.refuse_uploads = "movement 3: kind 'teleport' is not one of receive, move, pick, ..."
        with running_agent(cfg, idle_wait=0.01) as (_, agent):
            wait_until(lambda: agent.status.state == "blocked", what="the blocked state")
            time.sleep(0.8)  # feed polls keep succeeding meanwhile
            assert agent.status.state == "blocked" and central.feed_polls >= 2
            tries = central.cursor.last_seq, len(central.applied)
            status = edge_status(cfg, capsys)
            assert status["state"] == "blocked" and "malformed" in status["problem"]
            assert "teleport" in status["problem"] and "restart" in status["problem"]
            assert status["last_contact"] != "never"  # feed polls count as contact
            assert ledger_status(cfg.ledger_path)["sync"]["agent_state"] == "blocked"  # the supervisor's view
            metrics = NodeMetrics()
            metrics.observe_sync(sync_status(cfg.ledger_path), agent.status)
            assert metrics.registry.get_sample_value("sklad_sync_blocked") == 1
            assert metrics.registry.get_sample_value("sklad_sync_online") == 0
            (alert,) = SyncAlerts().new(agent.status)
            assert alert.state == "blocked" and "malformed" in alert.problem
        assert edge_status(cfg, capsys)["state"] == "blocked"  # still shown with the node stopped
        assert tries == (0, 0)

        central.refuse_uploads = None  # the node was repaired: a restart tries again
        with running_agent(cfg, idle_wait=0.01) as (_, agent):
            wait_until(lambda: agent.status.state == "online" and agent.outbox.acked_seq() == agent.outbox.last_seq(),
                       what="the upload after the restart")
            assert edge_status(cfg, capsys)["state"] == "online"
