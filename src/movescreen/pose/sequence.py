"""PoseSequence: per-frame landmarks of one person over one clip, with its source metadata."""

import json
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from ..atomic import atomic_path
from ..errors import MovescreenError
from ..frame_motion import COLUMNS as MOTION_COLUMNS
from ..landmarks import N_LANDMARKS, NAMES
from ..results import ClipInfo, ModelInfo, PersonInfo

FORMAT_VERSION = 1


def _mirror_index() -> tuple[int, ...]:
    """For each landmark, the index of its mirror image (left <-> right; centre to itself)."""
    idx = list(range(N_LANDMARKS))
    for i, name in enumerate(NAMES):
        if name.startswith("left"):
            j = NAMES.index("right" + name[4:])
            idx[i], idx[j] = j, i
    return tuple(idx)


MIRROR_INDEX: tuple[int, ...] = _mirror_index()


@dataclass(frozen=True)
class PoseSequence:
    """Landmarks of one person, one row per decoded frame (missing frames are NaN rows).

    ``t`` is seconds from the first decoded frame, taken from the container's timestamps;
    ``image_xy`` is in pixels of the displayed (rotated) frame; ``world_xyz`` is MediaPipe's
    metric 3D estimate (origin mid-hip); ``visibility`` and ``presence`` are in [0, 1].
    ``frame_motion`` (None in files written before it existed: unknown) holds, per frame, the
    background shift, its spread and the picture change measured while decoding (columns
    :data:`movescreen.frame_motion.COLUMNS`).
    """

    t: NDArray[np.float64]
    image_xy: NDArray[np.float64]
    world_xyz: NDArray[np.float64]
    visibility: NDArray[np.float64]
    presence: NDArray[np.float64]
    clip: ClipInfo
    model: ModelInfo
    person: PersonInfo
    extra: dict[str, object] = field(default_factory=dict)
    frame_motion: NDArray[np.float64] | None = None

    def __post_init__(self) -> None:
        n = len(self.t)
        shapes = {
            "image_xy": (n, N_LANDMARKS, 2),
            "world_xyz": (n, N_LANDMARKS, 3),
            "visibility": (n, N_LANDMARKS),
            "presence": (n, N_LANDMARKS),
        }
        if self.frame_motion is not None:
            shapes["frame_motion"] = (n, len(MOTION_COLUMNS))
        for name, shape in shapes.items():
            got = getattr(self, name).shape
            if got != shape:
                raise ValueError(f"PoseSequence.{name} has shape {got}, expected {shape}")
        if n > 1 and not np.all(np.diff(self.t) > 0):
            raise ValueError("PoseSequence.t must be strictly increasing")

    @property
    def n_frames(self) -> int:
        return len(self.t)

    @property
    def has_pose(self) -> NDArray[np.bool_]:
        """Frames where the landmarker returned a person."""
        return np.all(np.isfinite(self.image_xy[:, :, 0]), axis=1)

    def mirrored(self) -> "PoseSequence":
        """The same sequence as if the clip had been flipped horizontally (left <-> right)."""
        m = list(MIRROR_INDEX)
        xy = self.image_xy[:, m].copy()
        xy[..., 0] = self.clip.width - xy[..., 0]
        world = self.world_xyz[:, m].copy()
        world[..., 0] = -world[..., 0]
        motion = None
        if self.frame_motion is not None:  # the background moves the other way along x
            motion = self.frame_motion.copy()
            motion[:, 0] = -motion[:, 0]
        return replace(
            self,
            image_xy=xy,
            world_xyz=world,
            visibility=self.visibility[:, m].copy(),
            presence=self.presence[:, m].copy(),
            frame_motion=motion,
        )

    def save(self, path: Path) -> None:
        """Write one compressed ``.npz`` file atomically."""
        meta = {
            "format_version": FORMAT_VERSION,
            "clip": self.clip.model_dump(),
            "model": self.model.model_dump(),
            "person": self.person.model_dump(),
            "extra": self.extra,
        }
        optional = {} if self.frame_motion is None else {"frame_motion": self.frame_motion}
        with atomic_path(Path(path)) as tmp, open(tmp, "wb") as fh:
            np.savez_compressed(
                fh,
                **optional,
                t=self.t,
                image_xy=self.image_xy.astype(np.float32),
                world_xyz=self.world_xyz.astype(np.float32),
                visibility=self.visibility.astype(np.float32),
                presence=self.presence.astype(np.float32),
                meta=np.array(json.dumps(meta)),
            )

    @classmethod
    def load(cls, path: Path) -> "PoseSequence":
        """Read a file written by :meth:`save`."""
        path = Path(path)
        try:
            with np.load(path, allow_pickle=False) as data:
                meta = json.loads(str(data["meta"]))
                arrays = {k: data[k].astype(np.float64) for k in
                          ("t", "image_xy", "world_xyz", "visibility", "presence")}
                motion = data["frame_motion"] if "frame_motion" in data.files else None
        except (OSError, KeyError, ValueError) as exc:
            raise MovescreenError(
                f"{path} is not a movescreen pose file ({exc}); re-run `movescreen analyze`."
            ) from None
        if meta.get("format_version") != FORMAT_VERSION:
            raise MovescreenError(
                f"{path} has pose format {meta.get('format_version')}, this movescreen reads "
                f"{FORMAT_VERSION}; re-run `movescreen analyze` on the clip."
            )
        return cls(
            **arrays,
            clip=ClipInfo(**meta["clip"]),
            model=ModelInfo(**meta["model"]),
            person=PersonInfo(**meta["person"]),
            extra=meta.get("extra", {}),
            frame_motion=None if motion is None else motion.astype(np.float64),
        )
