"""Decoding: rotation metadata, real timestamps (variable frame rate), repeated pictures."""

from fractions import Fraction

import av
import numpy as np
import pytest

from media import write_video
from movescreen.errors import MovescreenError
from movescreen.video import iter_frames, prefetch, probe


def marker_frame(w=160, h=120):
    img = np.zeros((h, w, 3), np.uint8)
    img[:30, :40] = 255  # a white block in the top-left corner
    return img


@pytest.mark.parametrize(("rotation", "rows", "cols"), [
    # expectations checked against ffmpeg's own autorotation of the same files
    (90, (120, 159), (0, 29)),
    (-90, (0, 39), (90, 119)),
    (0, (0, 29), (0, 39)),
])
def test_rotation_metadata_applied(tmp_path, rotation, rows, cols):
    path = write_video(tmp_path / "r.mp4", [marker_frame()] * 5, rotation=rotation)
    info = probe(path)
    frame = next(iter_frames(info))
    assert (info.width, info.height) == (frame.rgb.shape[1], frame.rgb.shape[0])
    assert frame.rgb.flags["C_CONTIGUOUS"]
    ys, xs = np.nonzero(frame.rgb[..., 0] > 128)
    assert (ys.min(), ys.max()) == pytest.approx(rows, abs=2)
    assert (xs.min(), xs.max()) == pytest.approx(cols, abs=2)


def test_variable_frame_rate_timestamps_are_the_containers(tmp_path):
    path = tmp_path / "vfr.mp4"
    times_ms = np.cumsum([0, 33, 33, 50, 20, 33, 100, 33, 16, 33, 33, 33])
    with av.open(str(path), "w") as c:
        s = c.add_stream("libx264", rate=30)
        s.width, s.height, s.pix_fmt = 64, 48, "yuv420p"
        s.time_base = Fraction(1, 1000)
        s.codec_context.time_base = Fraction(1, 1000)
        for i, ms in enumerate(times_ms):
            img = np.full((48, 64, 3), (i * 20) % 255, np.uint8)
            f = av.VideoFrame.from_ndarray(img, format="rgb24")
            f.pts, f.time_base = int(ms), Fraction(1, 1000)
            for p in s.encode(f):
                c.mux(p)
        for p in s.encode():
            c.mux(p)
    t = np.array([f.t for f in iter_frames(probe(path))])
    assert np.allclose(t, (times_ms - times_ms[0]) / 1000.0, atol=1e-3)


def test_repeated_pictures_are_counted(tmp_path):
    rng = np.random.default_rng(0)
    pictures = [rng.integers(0, 255, (48, 64, 3), dtype=np.uint8) for _ in range(6)]
    frames = [p for p in pictures for _ in range(4)]  # each picture shown 4 times
    path = write_video(tmp_path / "dup.mp4", frames, crf=0)
    flags = [f.repeat for f in iter_frames(probe(path))]
    assert sum(flags) == 18 and not flags[0]


def test_prefetch_passes_items_and_errors():
    assert list(prefetch(iter(range(50)), depth=3)) == list(range(50))

    def broken():
        yield 1
        raise MovescreenError("boom")

    with pytest.raises(MovescreenError, match="boom"):
        list(prefetch(broken()))


@pytest.mark.parametrize(("suffix", "fmt", "codec"), [
    (".mp4", "mp4", "libx264"),
    (".mov", "mov", "libx264"),
    (".mkv", "matroska", "libx264"),
    (".avi", "avi", "mpeg4"),
    (".webm", "webm", "libvpx-vp9"),
])
def test_every_supported_container_decodes(tmp_path, suffix, fmt, codec):
    path = tmp_path / f"clip{suffix}"
    with av.open(str(path), "w", format=fmt) as c:
        s = c.add_stream(codec, rate=25)
        s.width, s.height, s.pix_fmt = 64, 48, "yuv420p"
        for i in range(25):
            f = av.VideoFrame.from_ndarray(np.full((48, 64, 3), i * 10, np.uint8), format="rgb24")
            for p in s.encode(f):
                c.mux(p)
        for p in s.encode():
            c.mux(p)
    info = probe(path)
    t = [f.t for f in iter_frames(info)]
    assert len(t) == 25 and (info.width, info.height) == (64, 48)
    assert t[-1] == pytest.approx(24 / 25, abs=0.01)


def numbered_frame(k: int) -> np.ndarray:
    return np.full((64, 96, 3), 40 + 2 * k, np.uint8)


@pytest.mark.parametrize("keyframe_every", [12, None])
def test_a_segment_decodes_the_same_frames_and_times_as_the_whole_clip(tmp_path,
                                                                       keyframe_every):
    path = write_video(tmp_path / "n.mp4", (numbered_frame(k) for k in range(90)), fps=30,
                       keyframe_every=keyframe_every)
    info = probe(path)
    whole = [(f.t, int(f.rgb[0, 0, 0])) for f in iter_frames(info)]
    first = [(f.t, int(f.rgb[0, 0, 0])) for f in iter_frames(info, 0.0, 1.5)]
    later = [(f.t, int(f.rgb[0, 0, 0])) for f in iter_frames(info, 1.0)]
    assert first == [w for w in whole if w[0] < 1.5]
    assert later == [w for w in whole if w[0] >= 1.0 - 1e-9]
    assert later[0][0] == pytest.approx(1.0, abs=1e-6) and len(later) == 60
