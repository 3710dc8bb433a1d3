# A real outside WebSocket client (Python's websockets library) for Squall's server tests.
# Usage: /usr/bin/python3 squall_ws_client.py ws://127.0.0.1:PORT
# Prints one "name=value" line per check; the Java test asserts on them.
import asyncio
import sys

import websockets

BASE = sys.argv[1]


def report(name, value):
    print(f"{name}={value}", flush=True)


def closed_code(e):
    rcvd = getattr(e, "rcvd", None)
    return (rcvd.code, rcvd.reason) if rcvd is not None else (e.code, e.reason)


async def echo():
    async with websockets.connect(BASE + "/echo", compression=None) as ws:
        await ws.send("h\u00e9llo \u2603")
        report("text", await ws.recv())
        await ws.send(bytes([0, 1, 255]))
        report("binary", list(await ws.recv()))
        await ws.send(["frag", "men", "ted \u00e9"])  # an iterable is sent as one fragmented message
        report("fragmented", await ws.recv())
        await ws.send([b"\x01", b"\x02\x03"])
        report("fragmented_binary", list(await ws.recv()))
        big = "x" * 300000
        await ws.send(big)
        report("big", (await ws.recv()) == big)
        pong = await ws.ping(b"abc")
        await asyncio.wait_for(pong, 5)
        report("pong", True)
        for i in range(300):
            await ws.send(str(i))
        got = [await ws.recv() for _ in range(300)]
        report("order", got == [str(i) for i in range(300)])
        await ws.close(code=4000, reason="bye \u00e9")
        report("client_close", (ws.close_code, ws.close_reason))


async def server_close():
    async with websockets.connect(BASE + "/echo", compression=None) as ws:
        await ws.send("close:4001:done")
        try:
            await ws.recv()
            report("server_close", "no close")
        except websockets.ConnectionClosed as e:
            report("server_close", closed_code(e))


async def deflate():
    async with websockets.connect(BASE + "/deflate") as ws:  # offers permessage-deflate by default
        report("deflate_extensions", [e.name for e in ws.extensions])
        msg = "squall " * 20000
        for _ in range(3):  # context takeover: later messages reuse the window
            await ws.send(msg)
            echoed = await ws.recv()
        report("deflate_echo", echoed == msg)
        await ws.send(bytes(range(256)) * 100)
        report("deflate_binary", (await ws.recv()) == bytes(range(256)) * 100)
        await ws.send(["comp", "ressed ", "fragments"])
        report("deflate_fragmented", await ws.recv())


async def deflate_off():
    async with websockets.connect(BASE + "/echo") as ws:  # offered, but the handler has compression off
        report("no_deflate_extensions", [e.name for e in ws.extensions])
        await ws.send("plain")
        report("no_deflate_echo", await ws.recv())


async def too_big():
    async with websockets.connect(BASE + "/small", compression=None) as ws:
        await ws.send("y" * 2000)
        try:
            await ws.recv()
            report("too_big", "no close")
        except websockets.ConnectionClosed as e:
            report("too_big", closed_code(e)[0])


async def subprotocol():
    async with websockets.connect(BASE + "/echo", subprotocols=["chat.v1", "chat.v2"], compression=None) as ws:
        report("subprotocol", ws.subprotocol)


async def refused_origin():
    try:
        async with websockets.connect(BASE + "/echo", origin="http://evil.example", compression=None):
            report("origin", "accepted")
    except websockets.InvalidStatusCode as e:
        report("origin", e.status_code)


async def main():
    for check in (echo, server_close, deflate, deflate_off, too_big, subprotocol, refused_origin):
        try:
            t0 = asyncio.get_running_loop().time()
            await asyncio.wait_for(check(), 20)
            if "-v" in sys.argv:
                report(check.__name__ + "_seconds", round(asyncio.get_running_loop().time() - t0, 3))
        except Exception as e:  # reported, so the Java test names the failing check
            report(check.__name__ + "_error", repr(e))


asyncio.run(main())
