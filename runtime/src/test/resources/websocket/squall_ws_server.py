# A real outside WebSocket server (Python's websockets library) for Squall's client tests.
# Usage: /usr/bin/python3 squall_ws_server.py [deflate]
# Prints "port=N", then serves on 127.0.0.1 until its stdin is closed.
import asyncio
import sys

import websockets


async def handler(ws, path):
    try:
        async for msg in ws:
            if msg == "fragments please":
                await ws.send(["frag", "men", "ted"])
            elif msg == "binary fragments please":
                await ws.send([b"\x01\x02", b"\x03"])
            elif msg == "extensions?":
                await ws.send(",".join(e.name for e in ws.extensions) or "none")
            elif msg == "subprotocol?":
                await ws.send(ws.subprotocol or "none")
            elif msg == "ping me":
                await ws.ping(b"from python")
                await ws.send("pinged")
            elif isinstance(msg, str) and msg.startswith("close:"):
                _, code, reason = msg.split(":", 2)
                await ws.close(int(code), reason)
            elif msg == "last close?":
                await ws.send(LAST_CLOSE[0])
            else:
                await ws.send(msg)
    except websockets.ConnectionClosed:
        pass
    finally:
        LAST_CLOSE[0] = f"{ws.close_code}:{ws.close_reason}"


LAST_CLOSE = ["none"]


async def main():
    compression = "deflate" if "deflate" in sys.argv else None
    async with websockets.serve(handler, "127.0.0.1", 0, compression=compression,
                                subprotocols=["chat.v2"], max_size=2 ** 22) as server:
        port = server.sockets[0].getsockname()[1]
        print(f"port={port}", flush=True)
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, sys.stdin.read)  # until the test closes our stdin


asyncio.run(main())
