"""Traffic control: a node or an edge is held by at most one vehicle; who waits for whom; cycles.

An edge is held as the unordered pair of its ends, so two vehicles can never meet head-on on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field


def pair(a: str, b: str) -> frozenset[str]:
    return frozenset((a, b))


@dataclass
class Reservations:
    nodes: dict[str, str] = field(default_factory=dict)  # node id -> vehicle
    edges: dict[frozenset[str], str] = field(default_factory=dict)  # {a, b} -> vehicle

    def blocker(self, vehicle: str, node: str, edge: frozenset[str] | None) -> str | None:
        """Who holds what `vehicle` needs to take this step, or None when it is free for it."""
        holder = self.nodes.get(node)
        if holder is not None and holder != vehicle:
            return holder
        holder = self.edges.get(edge) if edge is not None else None
        return holder if holder is not None and holder != vehicle else None

    def take(self, vehicle: str, node: str, edge: frozenset[str] | None) -> None:
        self.nodes[node] = vehicle
        if edge is not None:
            self.edges[edge] = vehicle

    def hold_node(self, vehicle: str, node: str) -> bool:
        if self.nodes.get(node, vehicle) != vehicle:
            return False
        self.nodes[node] = vehicle
        return True

    def keep_only(self, vehicle: str, nodes: set[str], edges: set[frozenset[str]]) -> None:
        """Let go of everything `vehicle` holds except these."""
        for node in [n for n, v in self.nodes.items() if v == vehicle and n not in nodes]:
            del self.nodes[node]
        for edge in [e for e, v in self.edges.items() if v == vehicle and e not in edges]:
            del self.edges[edge]

    def held_by(self, vehicle: str) -> set[str]:
        return {n for n, v in self.nodes.items() if v == vehicle}


def wait_cycles(waits: dict[str, str]) -> list[list[str]]:
    """Every cycle in a wait-for graph where each vehicle waits for at most one other."""
    cycles: list[list[str]] = []
    done: set[str] = set()
    for start in waits:
        walk: list[str] = []
        seen: dict[str, int] = {}
        node: str | None = start
        while node is not None and node not in done and node not in seen:
            seen[node] = len(walk)
            walk.append(node)
            node = waits.get(node)
        if node is not None and node in seen:
            cycles.append(walk[seen[node]:])
        done.update(walk)
    return cycles
