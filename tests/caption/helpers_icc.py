"""ICC colour profiles built byte by byte for the tests, and the colour science to check them by.

No profile file ships with Pillow or this machine, and ``ImageCms.createProfile`` makes only sRGB, Lab
and XYZ ones; so the Display P3, Adobe RGB, gray and CMYK profiles the tests embed are written here from
their published primaries (ICC.1:2001-04, version 2: a header, a tag table, then the tags). The
expected colours are computed with the formulas below (sRGB's curve, Bradford adaptation, CIE Lab),
not by littleCMS, the library under test.
"""

from __future__ import annotations

import struct

import numpy as np

D50 = np.array([0.9642, 1.0, 0.8249])  # the profile connection space's white
BRADFORD = np.array([[0.8951, 0.2664, -0.1614], [-0.7502, 1.7135, 0.0367], [0.0389, -0.0685, 1.0296]])

# (x, y) chromaticities of red, green, blue and white
SRGB = ((0.64, 0.33), (0.30, 0.60), (0.15, 0.06), (0.3127, 0.3290))
DISPLAY_P3 = ((0.680, 0.320), (0.265, 0.690), (0.150, 0.060), (0.3127, 0.3290))
ADOBE_RGB = ((0.64, 0.33), (0.21, 0.71), (0.15, 0.06), (0.3127, 0.3290))
SRGB_CURVE = (2.4, 1 / 1.055, 0.055 / 1.055, 1 / 12.92, 0.04045)  # ICC parametric curve type 3
ADOBE_GAMMA = 563 / 256  # 2.19921875, as Adobe RGB (1998) states it


def _xyz(xy: tuple[float, float]) -> np.ndarray:
    x, y = xy
    return np.array([x / y, 1.0, (1 - x - y) / y])


def rgb_to_xyz_d50(primaries) -> np.ndarray:
    """The ``(3, 3)`` matrix from linear RGB to XYZ, adapted to D50 by Bradford (columns: R, G, B)."""
    *rgb, white = primaries
    m = np.stack([_xyz(p) for p in rgb], axis=1)
    m = m * np.linalg.solve(m, _xyz(white))  # each primary scaled so that R = G = B = 1 is the white
    cone = BRADFORD @ _xyz(white)
    adapt = np.linalg.inv(BRADFORD) @ np.diag((BRADFORD @ D50) / cone) @ BRADFORD
    return adapt @ m


def srgb_decode(values: np.ndarray) -> np.ndarray:
    v = np.asarray(values, dtype=np.float64) / 255.0
    return np.where(v <= 0.04045, v / 12.92, ((v + 0.055) / 1.055) ** 2.4)


def srgb_encode(linear: np.ndarray) -> np.ndarray:
    v = np.clip(linear, 0.0, 1.0)
    return 255.0 * np.where(v <= 0.0031308, 12.92 * v, 1.055 * v ** (1 / 2.4) - 0.055)


def srgb_to_lab(rgb) -> np.ndarray:
    """CIE Lab (D50, as the profile connection space holds it) of an 8-bit sRGB colour."""
    xyz = rgb_to_xyz_d50(SRGB) @ srgb_decode(rgb) / D50
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def srgb_in(primaries, rgb, gamma: float | None = None) -> np.ndarray:
    """An 8-bit sRGB colour as the 8-bit numbers of an RGB space (``primaries``; its curve sRGB's, or
    a plain ``gamma``): what a photo saved in that space stores for it."""
    linear = np.linalg.solve(rgb_to_xyz_d50(primaries), rgb_to_xyz_d50(SRGB) @ srgb_decode(rgb))
    if gamma is None:
        return srgb_encode(linear)
    return 255.0 * np.clip(linear, 0.0, 1.0) ** (1 / gamma)


# ----------------------------------------------------------------------------------------------- bytes


def _s15(v: float) -> bytes:
    return struct.pack(">i", round(v * 65536))


def _xyz_tag(xyz) -> bytes:
    return b"XYZ \0\0\0\0" + b"".join(_s15(v) for v in xyz)


def _desc(text: str) -> bytes:
    ascii_ = text.encode("ascii") + b"\0"
    return b"desc\0\0\0\0" + struct.pack(">I", len(ascii_)) + ascii_ + b"\0" * 8 + b"\0" * 3 + b"\0" * 67


def _curve(gamma: float | None) -> bytes:
    if gamma is not None:
        return b"curv\0\0\0\0" + struct.pack(">IH", 1, round(gamma * 256)) + b"\0\0"
    return b"para\0\0\0\0" + struct.pack(">HH", 3, 0) + b"".join(_s15(v) for v in SRGB_CURVE)


def _profile(kind: bytes, space: bytes, pcs: bytes, tags: list[tuple[bytes, bytes]]) -> bytes:
    """A version 2 profile: header, tag table, tags (each 4-byte aligned; equal tags stored once)."""
    table, body, where = [], b"", {}
    start = 128 + 4 + 12 * len(tags)
    for sig, data in tags:
        if data not in where:
            where[data] = start + len(body)
            body += data + b"\0" * (-len(data) % 4)
        table.append(struct.pack(">4sII", sig, where[data], len(data)))
    size = start + len(body)
    header = (
        struct.pack(">I4sI4s4s4s", size, b"none", 0x02100000, kind, space, pcs)
        + b"\0" * 12  # date
        + b"acsp"
        + b"\0" * 24  # platform, flags, manufacturer, model, attributes
        + struct.pack(">I", 0)  # rendering intent
        + b"".join(_s15(v) for v in D50)
        + b"\0" * 48  # creator, id, reserved
    )
    assert len(header) == 128
    return header + struct.pack(">I", len(tags)) + b"".join(table) + body


def rgb_profile(primaries, name: str, gamma: float | None = None) -> bytes:
    """A matrix/curve RGB display profile: ``primaries`` (as :data:`DISPLAY_P3`), sRGB's curve or ``gamma``."""
    m = rgb_to_xyz_d50(primaries)
    curve = _curve(gamma)
    tags = [(b"desc", _desc(name)), (b"wtpt", _xyz_tag(D50)), (b"rXYZ", _xyz_tag(m[:, 0])),
            (b"gXYZ", _xyz_tag(m[:, 1])), (b"bXYZ", _xyz_tag(m[:, 2])), (b"rTRC", curve),
            (b"gTRC", curve), (b"bTRC", curve)]  # fmt: skip
    return _profile(b"mntr", b"RGB ", b"XYZ ", tags)


def gray_profile(gamma: float) -> bytes:
    """A gray display profile whose gray level ``v`` means ``(v / 255) ** gamma`` of white's light."""
    return _profile(b"mntr", b"GRAY", b"XYZ ", [(b"desc", _desc("gray")), (b"wtpt", _xyz_tag(D50)),
                                                (b"kTRC", _curve(gamma))])  # fmt: skip


def cmyk_profile(corners: dict[tuple[int, int, int, int], tuple[int, int, int]]) -> bytes:
    """A CMYK printer profile whose 16 corners (each ink 0 or 1) are the sRGB colours of ``corners``
    (others: each ink takes its share of light away), interpolated between: an ``A2B0`` lut16 of 2
    points a side into Lab (version 2 encoding)."""
    grid = []
    for c in (0, 1):
        for m in (0, 1):
            for y in (0, 1):
                for k in (0, 1):
                    naive = 255 * np.array([(1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k)])
                    lab = srgb_to_lab(corners.get((c, m, y, k), naive))
                    grid += [
                        round(lab[0] * 65280 / 100),
                        round((lab[1] + 128) * 256),
                        round((lab[2] + 128) * 256),
                    ]
    identity = b"".join(_s15(v) for v in (1, 0, 0, 0, 1, 0, 0, 0, 1))
    lut = (
        b"mft2\0\0\0\0"
        + struct.pack(">BBBB", 4, 3, 2, 0)
        + identity
        + struct.pack(">HH", 2, 2)
        + struct.pack(">8H", *([0, 65535] * 4))
        + struct.pack(f">{len(grid)}H", *np.clip(grid, 0, 65535))
        + struct.pack(">6H", *([0, 65535] * 3))
    )
    return _profile(b"prtr", b"CMYK", b"Lab ", [(b"desc", _desc("cmyk")), (b"wtpt", _xyz_tag(D50)),
                                               (b"A2B0", lut)])  # fmt: skip
