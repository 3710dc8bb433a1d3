# Python's websockets client over TLS against Squall's server.
# Usage: /usr/bin/python3 squall_wss_client.py wss://127.0.0.1:PORT/echo CA_PEM
import asyncio
import ssl
import sys

import websockets


async def main():
    ctx = ssl.create_default_context(cafile=sys.argv[2])
    async with websockets.connect(sys.argv[1], ssl=ctx, compression=None) as ws:
        await ws.send("over tls \u00e9")
        print(f"text={await ws.recv()}", flush=True)
        await ws.send(bytes(range(256)) * 1000)
        print(f"binary={(await ws.recv()) == bytes(range(256)) * 1000}", flush=True)
        await ws.close(code=4010, reason="tls bye")
        print(f"close={ws.close_code}", flush=True)


asyncio.run(main())
