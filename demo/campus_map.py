"""A plan of a demo campus drawn as a PNG (no image library, no map service): lawns, roads and a
block for each venue, with the GCJ-02 box the picture covers — so the demo's 会场 page shows
the offline-map picker a hospital gets by uploading its own campus plan."""

from __future__ import annotations

import struct
import zlib

WIDTH, HEIGHT = 720, 400
#: How far the plan reaches around the venues, in degrees (about 350 m north-south).
MARGIN_LAT, MARGIN_LNG = 0.0016, 0.0032
LAWN, ROAD, BLOCK, EDGE = (225, 236, 216), (250, 250, 248), (196, 58, 49), (160, 160, 160)


def plan(venues: list[tuple[float, float]]) -> tuple[bytes, tuple[float, float, float, float]]:
    """The picture and its (north, south, west, east) edges for venues at these GCJ-02 points."""
    lats, lngs = [lat for lat, _ in venues], [lng for _, lng in venues]
    north, south = max(lats) + MARGIN_LAT, min(lats) - MARGIN_LAT
    west, east = min(lngs) - MARGIN_LNG, max(lngs) + MARGIN_LNG
    pixels = [[LAWN] * WIDTH for _ in range(HEIGHT)]
    for y in range(HEIGHT):  # a road grid every 120 px, 14 px wide
        for x in range(WIDTH):
            if y % 120 < 14 or x % 120 < 14:
                pixels[y][x] = ROAD
    for lat, lng in venues:  # a building block centred on each venue
        cx = int((lng - west) / (east - west) * WIDTH)
        cy = int((north - lat) / (north - south) * HEIGHT)
        for y in range(max(0, cy - 22), min(HEIGHT, cy + 22)):
            for x in range(max(0, cx - 34), min(WIDTH, cx + 34)):
                edge = abs(y - cy) >= 21 or abs(x - cx) >= 33
                pixels[y][x] = EDGE if edge else BLOCK
    return _png(pixels), (north, south, west, east)


def _png(pixels: list[list[tuple[int, int, int]]]) -> bytes:
    raw = b"".join(b"\x00" + bytes(c for pixel in row for c in pixel) for row in pixels)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", len(pixels[0]), len(pixels), 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )
