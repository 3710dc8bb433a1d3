#!/usr/bin/python3
"""The seed's asynchronous server in Tornado 6.2 (Debian's python3-tornado): the peer that
squall-bench's seed figures are compared with, measured in the same run by bench/run-all.sh.

    /usr/bin/python3 bench/peers/tornado_seed.py [--echo-port 8898] [--port 8901] [--delay 2]

Starts an echo server (reads a line, sleeps, writes it back, closes) and an HTTP server whose GET /
connects to it with TCPClient, sends a line and answers with the echo. Both run on one IOLoop, in one
process, bound to 127.0.0.1. Stops on SIGTERM/SIGINT.
"""
import argparse
import asyncio
import signal

from tornado import gen, ioloop, iostream, netutil, tcpclient, tcpserver, web

MESSAGE = b"Hello from Tornado\n"


class EchoServer(tcpserver.TCPServer):
    def __init__(self, delay):
        super().__init__()
        self.delay = delay

    async def handle_stream(self, stream, address):
        try:
            line = await stream.read_until(b"\n")
            await gen.sleep(self.delay)
            await stream.write(line)
        except iostream.StreamClosedError:
            pass
        finally:
            stream.close()


class AsyncHandler(web.RequestHandler):
    def initialize(self, echo_port):
        self.echo_port = echo_port

    async def get(self):
        stream = await tcpclient.TCPClient().connect("127.0.0.1", self.echo_port)
        try:
            await stream.write(MESSAGE)
            reply = await stream.read_until(b"\n")
        finally:
            stream.close()
        self.write(reply)


class HelloHandler(web.RequestHandler):
    def get(self):
        self.write("Hello, world")


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--echo-port", type=int, default=8898)
    ap.add_argument("--port", type=int, default=8901)
    ap.add_argument("--delay", type=float, default=2.0)
    ap.add_argument("--backlog", type=int, default=128, help="listen backlog (Tornado's default: 128)")
    a = ap.parse_args()
    echo = EchoServer(a.delay)
    echo_sockets = netutil.bind_sockets(a.echo_port, "127.0.0.1", backlog=a.backlog)  # port 0: a free one
    echo.add_sockets(echo_sockets)
    echo_port = echo_sockets[0].getsockname()[1]
    app = web.Application([(r"/", AsyncHandler, dict(echo_port=echo_port)), (r"/hello", HelloHandler)])
    server = app.listen(a.port, "127.0.0.1", backlog=a.backlog)
    port = a.port or list(server._sockets.values())[0].getsockname()[1]
    print("tornado %s seed: echo 127.0.0.1:%d, async handler http://127.0.0.1:%d/ (delay %g s)"
          % (__import__("tornado").version, echo_port, port, a.delay), flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()


if __name__ == "__main__":
    asyncio.run(main())
