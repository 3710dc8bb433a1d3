#!/usr/bin/python3
"""Tornado 6.2 hello world (GET /hello -> "Hello, world"), the peer of squall-bench hello-server.

    /usr/bin/python3 bench/peers/tornado_hello.py [--port 8082]
"""
import argparse
import asyncio
import signal

from tornado import web


class HelloHandler(web.RequestHandler):
    def get(self):
        self.write("Hello, world")


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=8082)
    a = ap.parse_args()
    server = web.Application([(r"/hello", HelloHandler)]).listen(a.port, "127.0.0.1")
    port = a.port or list(server._sockets.values())[0].getsockname()[1]
    print("tornado %s hello: http://127.0.0.1:%d/hello" % (__import__("tornado").version, port), flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()


if __name__ == "__main__":
    asyncio.run(main())
