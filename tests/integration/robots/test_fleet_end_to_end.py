"""The edge as VDA 5050 master control driving simulated vehicles through a real broker."""

from __future__ import annotations

import asyncio

import pytest

from devices.robots.versions import V2_0


async def test_transport_task_done_end_to_end(broker, floor, wait) -> None:
    async with floor(broker, count=3, speedup=30) as f:
        task = f.service.create_transport("tote", "T00042", "A-05-01", "PACK-02")
        await wait(lambda: f.task(task.id).state == "done", 30, "the task done")
        topics = [(t, d.get("trigger")) for t, d in f.events if t == "TransportTaskChanged"]
        assert [trigger for _, trigger in topics] == ["assign", "picked", "dropped"]
        vehicle = f.task(task.id).vehicle
        sim = f.sim.agvs[vehicle.split("/")[1]].model
        assert sim.view.loads == [] and sim.odometer > 10
        done = [a for a, (kind, status) in sim.actions.items() if kind in ("pick", "drop") and status == "FINISHED"]
        assert len(done) == 2
        report = f.sim.report()
        assert (report["collisions"], report["deadlocks"], report["schema_violations"]) == (0, 0, 0)
        assert f.service.master.counts["bad"] == 0 and f.service.dispatch_ms


async def test_vehicle_killed_mid_task_is_redispatched(mosquitto, floor, wait) -> None:
    async with floor(mosquitto, count=3, speedup=5, offline_grace_s=0.3) as f:
        task = f.service.create_transport("replenish", "PAL-7", "F-20-03", "F-20-01", "pallet")
        first = await wait(lambda: f.task(task.id).vehicle, 5, "an assigned vehicle")
        f.sim.kill(first.split("/")[1])  # dies on its way to the pallet: the connection drops, the will fires
        await wait(lambda: f.task(task.id).vehicle not in (None, first), 10, "the task on another vehicle")
        assert f.service.controller.vehicles[first].state == "OFFLINE"
        await wait(lambda: f.task(task.id).state == "done", 60, "the task done by the second vehicle")
        assert f.service.controller.counts["redispatched"] == 1
        lost = [d for t, d in f.events if t == "FleetVehicleLost"]
        assert lost == [{"vehicle": first}]
        assert f.sim.report()["collisions"] == 0


async def test_vehicle_killed_carrying_its_load_hands_the_task_to_a_person(mosquitto, floor, wait) -> None:
    async with floor(mosquitto, count=2, speedup=10, offline_grace_s=0.3) as f:
        task = f.service.create_transport("tote", "T00077", "B-03-01", "PACK-01")
        await wait(lambda: f.task(task.id).state == "underway", 30, "the load picked")
        vehicle = f.task(task.id).vehicle
        f.sim.kill(vehicle.split("/")[1])
        await wait(lambda: f.task(task.id).state == "failed", 10, "the task handed to a person")
        failed = next(d for t, d in f.events if t == "TransportTaskChanged" and d["state"] == "failed")
        assert failed["place"].startswith(f"on vehicle {vehicle} at node ") and "fetch it by hand" in failed["note"]


async def test_pause_all_stops_every_vehicle_within_one_second(mosquitto, floor, wait) -> None:
    async with floor(mosquitto, count=6, speedup=1) as f:
        for n in range(6):
            f.service.create_transport("tote", f"T{n:05d}", f"C-{10 + n:02d}-01", "PACK-03")
        models = [a.model for a in f.sim.agvs.values()]
        await wait(lambda: sum(m.speed > 0.5 for m in models) >= 4, 20, "the fleet driving")
        f.service.operate("pause_all")
        loop = asyncio.get_running_loop()
        start = loop.time()
        await wait(lambda: all(m.speed == 0 for m in models), 1.0, "every vehicle standing")
        assert loop.time() - start < 1.0
        await asyncio.sleep(0.5)
        assert all(m.speed == 0 and m.view.paused for m in models)
        f.service.operate("resume_all")
        await wait(lambda: any(m.speed > 0 for m in models), 3, "the fleet moving again")


async def test_two_protocol_versions_side_by_side(mosquitto, floor, wait) -> None:
    async with floor(mosquitto, count=2, speedup=30, version=V2_0) as f:
        task = f.service.create_transport("tote", "T00001", "D-02-02", "PACK-01")
        await wait(lambda: f.task(task.id).state == "done", 30, "the task done by a 2.0 vehicle")
        versions = {link.version.full for link in f.service.master.vehicles.values()}
        assert versions == {"2.0.0"} and f.sim.report()["schema_violations"] == 0


@pytest.mark.slow
async def test_thirty_vehicles_for_thirty_simulated_minutes(mosquitto, floor) -> None:
    async with floor(mosquitto, count=30, speedup=90) as f:
        faces = ["A-04-01", "B-10-02", "C-16-01", "D-22-02", "E-08-01", "F-14-02", "A-20-02", "D-06-01"]
        n = 0
        while f.sim.sim_seconds < 1800:
            busy = sum(1 for t in f.service.controller.tasks.values() if t.state in ("open", "assigned", "underway"))
            if busy < 30:
                n += 1
                if n % 2:
                    f.service.create_transport("tote", f"T{n:05d}", faces[n % 8], f"PACK-0{1 + n % 3}")
                else:
                    f.service.create_transport("replenish", f"PAL{n}", faces[(n + 3) % 8].replace("-01", "-03")
                                               .replace("-02", "-04"), faces[n % 8], "pallet")
            await asyncio.sleep(0.05)
        report = f.sim.report()
        assert report["collisions"] == 0, report["incidents"]
        assert report["deadlocks"] == 0, report["incidents"]
        assert report["schema_violations"] == 0 and f.service.master.counts["bad"] == 0
        assert f.service.controller.counts["tasks_done"] >= 60
