#!/usr/bin/python3
"""Tornado's @stream_request_body upload and a flush-awaiting download, the peer of squall-bench stream-server.

    /usr/bin/python3 bench/peers/tornado_stream.py [--port 8086]
"""
import argparse
import asyncio
import signal
import zlib

from tornado import web


@web.stream_request_body
class Upload(web.RequestHandler):
    def prepare(self):
        self.request.connection.set_max_body_size(1 << 62)
        self.size = 0
        self.crc = 0

    def data_received(self, chunk):
        self.crc = zlib.crc32(chunk, self.crc)
        self.size += len(chunk)

    def put(self):
        self.write("%d %x\n" % (self.size, self.crc))


BLOCK = bytes(64 << 10)


class Download(web.RequestHandler):
    async def get(self, mib):
        for _ in range(int(mib) * 16):
            self.write(BLOCK)
            await self.flush()


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=8086)
    a = ap.parse_args()
    app = web.Application([(r"/upload", Upload), (r"/download/(\d+)", Download)])
    server = app.listen(a.port, "127.0.0.1", max_body_size=1 << 62)
    port = a.port or list(server._sockets.values())[0].getsockname()[1]
    print("tornado %s stream: http://127.0.0.1:%d/" % (__import__("tornado").version, port), flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()


if __name__ == "__main__":
    asyncio.run(main())
