"""MediaPipe PoseLandmarker wrapper: find one person, then track a crop around them.

The detector misses people who fill only a small part of the frame (a body at 15-20% of a 4K
frame's height). So the first frame is *searched*: the whole frame, then zoomed overlapping
tiles. The tallest person found is chosen (several may be visible), and from then on the
landmarker (VIDEO mode, with its own temporal tracking) sees a crop around that person, moved
only when the person nears its edge. A pose that jumps far from the tracked person is
rejected, so a bystander never takes over.
"""

import os
from dataclasses import dataclass, field

import cv2
import numpy as np
from numpy.typing import NDArray

from ..frame_motion import MotionMeter
from ..landmarks import N_LANDMARKS
from ..results import ModelInfo, PersonInfo
from ..video import Frame
from .models import ModelBundle
from .roi import Box, square_around, tiles
from .sequence import MIRROR_INDEX


@dataclass(frozen=True)
class PoseOptions:
    """Tuning of detection and tracking (defaults suit a screening clip)."""

    min_detection_confidence: float = 0.5
    min_presence_confidence: float = 0.5
    min_tracking_confidence: float = 0.5
    full_frame_max_side: int = 1280
    crop_max_side: int = 640
    crop_when_body_below: float = 0.45  # fraction of frame height
    crop_scale: float = 1.8  # crop side / body extent
    search_every_s: float = 1.0
    max_speed_body_per_s: float = 4.0  # identity gate: how fast the hips may move
    max_size_change_per_s: float = 2.0  # and how fast the body's extent may change
    # the reference body height (identity gate, re-acquisition radius, crop size) follows a
    # taller body at once and a shorter one by this factor per second (0.98 per frame at 30 fps)
    ref_height_decay_per_s: float = 0.55
    search_people: int = 4
    # Also track the person in the mirrored picture (a second pass, run concurrently when
    # there is a second core) and average the two (left/right swapped back) in every frame
    # where both passes found the same person. MediaPipe itself is not mirror-symmetric (on a
    # flipped clip its standing knee angles differ by 1.5-3 deg); this makes left and right
    # symmetric by construction. ``movescreen analyze --fast`` turns it off.
    symmetric: bool = True
    # the passes see the same person when their hip centres lie within this fraction of the
    # standing body height and their body heights (nose, shoulders, hips, knees, ankles)
    # agree within this ratio
    mirror_max_hip_offset: float = 0.1
    mirror_max_height_ratio: float = 1.25


@dataclass(frozen=True)
class Detection:
    """One person's landmarks in frame pixels (image) and metres (world)."""

    xy: NDArray[np.float64]  # (33, 2)
    world: NDArray[np.float64]  # (33, 3)
    visibility: NDArray[np.float64]
    presence: NDArray[np.float64]

    @property
    def box(self) -> Box:
        return Box.around(self.xy)

    @property
    def hip_centre(self) -> NDArray[np.float64]:
        return (self.xy[23] + self.xy[24]) / 2

    @property
    def height(self) -> float:
        return max(self.box.h, 1.0)


@dataclass
class _Track:
    """Mutable tracking state of one clip (owned by one PoseTracker)."""

    roi: Box | None = None
    last: Detection | None = None
    last_t: float = -np.inf
    ref_height: float = 0.0
    last_search_t: float = -np.inf
    people_seen: int = 0
    selection: str = "no person found"
    used_crop: bool = False
    heights: list[float] = field(default_factory=list)

    def observe(self, det: Detection, t: float, opts: "PoseOptions") -> None:
        """Record the tracked person's detection at time ``t``."""
        dt = t - self.last_t if np.isfinite(self.last_t) else 0.0
        decay = opts.ref_height_decay_per_s ** max(dt, 0.0)
        self.last, self.last_t = det, t
        self.heights.append(det.height)
        self.ref_height = max(decay * self.ref_height, det.height)


def _quiet_native_logs() -> None:
    """Silence MediaPipe's C++ INFO/WARNING chatter (only affects this process's logging)."""
    os.environ.setdefault("GLOG_minloglevel", "2")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def _make_landmarker(model: ModelBundle, video: bool, num_poses: int, opts: PoseOptions):
    _quiet_native_logs()
    from mediapipe.tasks.python.core.base_options import BaseOptions
    from mediapipe.tasks.python.vision import PoseLandmarker, PoseLandmarkerOptions
    from mediapipe.tasks.python.vision.core.vision_task_running_mode import (
        VisionTaskRunningMode,
    )

    mode = VisionTaskRunningMode.VIDEO if video else VisionTaskRunningMode.IMAGE
    options = PoseLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(model.path)),
        running_mode=mode,
        num_poses=num_poses,
        min_pose_detection_confidence=opts.min_detection_confidence,
        min_pose_presence_confidence=opts.min_presence_confidence,
        min_tracking_confidence=opts.min_tracking_confidence,
    )
    return PoseLandmarker.create_from_options(options)


def _mp_image(rgb: NDArray[np.uint8]):
    import mediapipe as mp

    return mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(rgb))


def _crop(rgb: NDArray[np.uint8], box: Box, max_side: int) -> tuple[NDArray[np.uint8], float]:
    """Crop ``box`` from the frame and shrink it to ``max_side``; returns (image, scale)."""
    rows, cols = box.pixel_slices()
    img = rgb[rows, cols]
    h, w = img.shape[:2]
    scale = min(1.0, max_side / max(h, w))
    if scale < 1.0:
        img = cv2.resize(img, (max(1, round(w * scale)), max(1, round(h * scale))),
                         interpolation=cv2.INTER_AREA)
    return np.ascontiguousarray(img), scale


def _detections(result, box: Box, mirrored: bool = False) -> list[Detection]:
    """Convert a PoseLandmarkerResult on a crop of ``box`` to frame-pixel detections.

    ``mirrored``: the crop was flipped left-right before inference; undo that (x and the
    left/right labels).
    """
    out = []
    x0, y0 = round(box.x0), round(box.y0)
    w, h = round(box.x1) - x0, round(box.y1) - y0
    for lms, wlms in zip(result.pose_landmarks, result.pose_world_landmarks, strict=True):
        arr = np.array([(p.x, p.y, p.visibility or 0.0, p.presence or 0.0) for p in lms],
                       dtype=np.float64)
        world = np.array([(p.x, p.y, p.z) for p in wlms], dtype=np.float64)
        if mirrored:
            swap = list(MIRROR_INDEX)
            arr, world = arr[swap], world[swap]
            arr[:, 0] = 1.0 - arr[:, 0]
            world[:, 0] = -world[:, 0]
        xy = np.column_stack((x0 + arr[:, 0] * w, y0 + arr[:, 1] * h))
        out.append(Detection(xy, world, arr[:, 2], arr[:, 3]))
    return out


class PoseTracker:
    """Runs the landmarker over a clip's frames for one chosen person.

    ``mirrored``: the landmarker sees every crop flipped left-right and its landmarks are
    flipped back, so tracking (crops, identity) works in the picture's own coordinates.
    """

    def __init__(self, model: ModelBundle, width: int, height: int,
                 options: PoseOptions | None = None, mirrored: bool = False) -> None:
        self.model = model
        self.width, self.height = width, height
        self.opts = options or PoseOptions()
        self.mirrored = mirrored
        # created on first use, after the person search has freed its own landmarker, so that
        # at most one landmarker (~100 MB) is alive at once
        self._video = None
        self._image = None
        self._ts_ms = -1
        self._state = _Track()

    def close(self) -> None:
        self._close_video()
        self._close_image()

    def _close_video(self) -> None:
        if self._video is not None:
            self._video.close()
            self._video = None

    def _close_image(self) -> None:
        if self._image is not None:
            self._image.close()
            self._image = None

    def __enter__(self) -> "PoseTracker":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- searching -------------------------------------------------------------------------
    def _search(self, rgb: NDArray[np.uint8]) -> list[Detection]:
        """People in a frame: the whole frame first, then zoomed tiles (1/2, then 1/3 height)."""
        if self._image is None:
            self._image = _make_landmarker(self.model, False, self.opts.search_people,
                                           self.opts)
        full = Box.full(self.width, self.height)
        found = self._detect_image(rgb, full, self.opts.full_frame_max_side)
        for fraction in (0.5, 1 / 3):
            if found:
                break
            for tile in tiles(self.width, self.height, fraction):
                for det in self._detect_image(rgb, tile, self.opts.crop_max_side):
                    if not any(det.box.iou(d.box) > 0.3 for d in found):
                        found.append(det)
        return found

    def _detect_image(self, rgb: NDArray[np.uint8], box: Box, max_side: int) -> list[Detection]:
        img = self._oriented(_crop(rgb, box, max_side)[0])
        return _detections(self._image.detect(_mp_image(img)), box, self.mirrored)

    def _oriented(self, img: NDArray[np.uint8]) -> NDArray[np.uint8]:
        return cv2.flip(img, 1) if self.mirrored else img  # 70x faster than numpy's [:, ::-1]

    def _acquire(self, rgb: NDArray[np.uint8], t: float) -> None:
        st = self._state
        st.last_search_t = t
        people = self._search(rgb)
        self._close_image()
        if not people:
            return
        st.people_seen = max(st.people_seen, len(people))
        if st.last is None:
            chosen = max(people, key=lambda d: d.height)
            frac_x = chosen.box.cx / self.width
            st.selection = (
                f"the only person in view (centre at {frac_x:.0%} of frame width)"
                if len(people) == 1 else
                f"the tallest of {len(people)} people in view (centre at {frac_x:.0%} of frame "
                "width)"
            )
        else:  # re-acquiring: only the person near the last known position will do
            def dist(d: Detection) -> float:
                return float(np.linalg.norm(d.hip_centre - st.last.hip_centre))

            chosen = min(people, key=dist)
            if dist(chosen) > st.ref_height:
                return
        st.ref_height = max(st.ref_height, chosen.height)
        self._set_roi(chosen)

    def _set_roi(self, det: Detection) -> None:
        st = self._state
        if st.ref_height >= self.opts.crop_when_body_below * self.height:
            new = None
        else:
            body = det.box
            side = max(body.w, body.h, st.ref_height)
            body = Box(body.cx - side / 2, body.cy - side / 2, body.cx + side / 2,
                       body.cy + side / 2)
            new = square_around(body, self.opts.crop_scale, self.width, self.height)
            st.used_crop = True
        if new != st.roi:
            st.roi = new
            if st.last is not None:  # its internal tracking assumed the old crop
                self._reset_video()

    def _reset_video(self) -> None:
        """Drop the VIDEO landmarkers' temporal state (they are re-created on next use)."""
        self._close_video()

    def _infer(self, img: NDArray[np.uint8], box: Box) -> Detection | None:
        """The landmarker's pose on this crop."""
        if self._video is None:
            self._video = _make_landmarker(self.model, True, 1, self.opts)
        result = self._video.detect_for_video(_mp_image(self._oriented(img)), self._ts_ms)
        dets = _detections(result, box, self.mirrored)
        return dets[0] if dets else None

    # -- tracking --------------------------------------------------------------------------
    def _plausible(self, det: Detection, t: float) -> bool:
        st = self._state
        if st.last is None:
            return True
        dt = max(t - st.last_t, 1e-3)
        jump = float(np.linalg.norm(det.hip_centre - st.last.hip_centre))
        if jump > self.opts.max_speed_body_per_s * st.ref_height * dt + 0.25 * st.ref_height:
            return False
        # a body does not halve or double in size from one picture to the next
        ratio = det.height / st.last.height
        allowed = 1.3 * (1.0 + self.opts.max_size_change_per_s * dt)
        return 1.0 / allowed <= ratio <= allowed

    def process(self, frame: Frame) -> Detection | None:
        """Landmarks of the tracked person in this frame, or None."""
        st = self._state
        if st.last is None and frame.t - st.last_search_t >= self.opts.search_every_s:
            self._acquire(frame.rgb, frame.t)
        box = st.roi or Box.full(self.width, self.height)
        max_side = self.opts.crop_max_side if st.roi else self.opts.full_frame_max_side
        img, _ = _crop(frame.rgb, box, max_side)
        self._ts_ms = max(self._ts_ms + 1, int(round(frame.t * 1000)))
        det = self._infer(img, box)
        if det is not None and not self._plausible(det, frame.t):
            det = None
            self._reset_video()  # its internal tracking went astray: detect afresh
        if det is None:
            lost_for = frame.t - st.last_t
            if (st.last is not None and lost_for > 0.5
                    and frame.t - st.last_search_t >= self.opts.search_every_s):
                self._acquire(frame.rgb, frame.t)
            return None
        if st.last is None and st.people_seen == 0:
            st.people_seen = 1
            st.selection = (f"the person who came into view at {frame.t:.1f} s (centre at "
                            f"{det.box.cx / self.width:.0%} of frame width)")
        st.observe(det, frame.t, self.opts)
        if st.roi is not None and not st.roi.contains(det.box, margin=0.08):
            self._set_roi(det)
        return det

    def person_info(self) -> PersonInfo:
        st = self._state
        frac = float(np.median(st.heights)) / self.height if st.heights else None
        return PersonInfo(people_seen=st.people_seen, selection=st.selection,
                          crop_tracking=st.used_crop, body_height_frac=frac)


@dataclass
class PoseArrays:
    """Per-frame outputs being collected (grows frame by frame)."""

    t: list[float] = field(default_factory=list)
    xy: list[NDArray[np.float64]] = field(default_factory=list)
    world: list[NDArray[np.float64]] = field(default_factory=list)
    vis: list[NDArray[np.float64]] = field(default_factory=list)
    pres: list[NDArray[np.float64]] = field(default_factory=list)
    repeat: list[bool] = field(default_factory=list)
    motion: list[NDArray[np.float64]] = field(default_factory=list)  # frame_motion.COLUMNS

    @property
    def repeats(self) -> int:
        return sum(self.repeat)

    def add(self, t: float, det: Detection | None, repeat: bool = False) -> None:
        self.t.append(t)
        self.repeat.append(repeat)
        if det is None:
            nan = np.full(N_LANDMARKS, np.nan)
            self.xy.append(np.full((N_LANDMARKS, 2), np.nan))
            self.world.append(np.full((N_LANDMARKS, 3), np.nan))
            self.vis.append(nan)
            self.pres.append(nan)
        else:
            self.xy.append(det.xy)
            self.world.append(det.world)
            self.vis.append(det.visibility)
            self.pres.append(det.presence)


class PassRecorder:
    """Tracks one pass frame by frame (frames pushed with :meth:`add`) and collects the arrays.

    Camera motion and repeated pictures (frame_motion) need the pixels: they are measured
    here, in the picture pass only.
    """

    def __init__(self, model: ModelBundle, width: int, height: int,
                 options: PoseOptions | None = None, mirrored: bool = False) -> None:
        self.model = model
        self.tracker = PoseTracker(model, width, height, options, mirrored)
        self.arrays = PoseArrays()
        self.meter = None if mirrored else MotionMeter(width, height)

    def add(self, frame: Frame) -> None:
        det = self.tracker.process(frame)
        self.arrays.add(frame.t, det, frame.repeat)
        if self.meter is not None:
            box = None if det is None else (det.box.x0, det.box.y0, det.box.x1, det.box.y1)
            self.arrays.motion.append(self.meter.measure(frame.rgb, box))

    def finish(self) -> tuple[PoseArrays, PersonInfo, ModelInfo]:
        """Close the landmarker; returns the arrays, who was tracked and the model used."""
        self.tracker.close()
        m = self.model
        return (self.arrays, self.tracker.person_info(),
                ModelInfo(name=m.name, sha256=m.sha256, source=m.source))

    def __enter__(self) -> "PassRecorder":
        return self

    def __exit__(self, *exc: object) -> None:
        self.tracker.close()
