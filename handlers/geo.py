"""Coordinates for check-in geofences: WGS-84 → GCJ-02, distance, and what counts as in China.

WeCom's `getLocation` with `type: 'gcj02'` answers in GCJ-02 (国测局坐标, the datum of Chinese
maps: 腾讯地图, 高德), and venues are stored in GCJ-02. A browser's `navigator.geolocation` answers
in WGS-84 (GPS), some 300–600 m away from the same spot on a Chinese map, so a WGS-84 fix is
converted before it is compared. The conversion is the published GCJ-02 approximation (the
Krasovsky-1940 ellipsoid and the offset polynomials every open implementation uses, e.g.
eviltransform); it is exact to well under a metre against it, far inside any geofence.
"""

from __future__ import annotations

import math

#: Krasovsky 1940 semi-major axis and first eccentricity squared (the GCJ-02 constants).
_A = 6378245.0
_EE = 0.00669342162296594323
#: A rough box around the mainland and its islands (GCJ-02 applies only inside China); venues
#: outside it are refused with a message, and outside it WGS-84 is left as it is.
CHINA_LAT = (3.86, 53.56)
CHINA_LNG = (73.66, 135.05)


def in_china(lat: float, lng: float) -> bool:
    return CHINA_LAT[0] <= lat <= CHINA_LAT[1] and CHINA_LNG[0] <= lng <= CHINA_LNG[1]


def _offset_lat(x: float, y: float) -> float:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _offset_lng(x: float, y: float) -> float:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def wgs84_to_gcj02(lat: float, lng: float) -> tuple[float, float]:
    """A GPS (WGS-84) position as a Chinese map (GCJ-02) shows it; unchanged outside China."""
    if not in_china(lat, lng):
        return lat, lng
    d_lat = _offset_lat(lng - 105.0, lat - 35.0)
    d_lng = _offset_lng(lng - 105.0, lat - 35.0)
    rad = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(rad) ** 2
    sqrt_magic = math.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * math.pi)
    d_lng = (d_lng * 180.0) / (_A / sqrt_magic * math.cos(rad) * math.pi)
    return lat + d_lat, lng + d_lng


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance (haversine), in metres; both points in the same datum."""
    earth = 6_371_000
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * earth * math.asin(math.sqrt(a))
