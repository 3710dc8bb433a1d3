#!/usr/bin/python3
"""Tornado 6.2 StaticFileHandler serving a directory at /static/, the peer of squall-bench static-server.

    /usr/bin/python3 bench/peers/tornado_static.py --dir DIR [--port 8084]
"""
import argparse
import asyncio
import signal

from tornado import web


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--port", type=int, default=8084)
    a = ap.parse_args()
    app = web.Application([(r"/static/(.*)", web.StaticFileHandler, {"path": a.dir})])
    server = app.listen(a.port, "127.0.0.1")
    port = a.port or list(server._sockets.values())[0].getsockname()[1]
    print("tornado %s static: http://127.0.0.1:%d/static/" % (__import__("tornado").version, port), flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()


if __name__ == "__main__":
    asyncio.run(main())
