"""Find a screen's clip and pose file on disk, and recompute its per-frame angles."""

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from ..conditioning import ConditionedPose
from ..errors import MovescreenError
from ..kinematics import Kinematics
from ..pipeline import screen_pose
from ..pose.sequence import PoseSequence
from ..results import ClipInfo, ScreenResult


@dataclass(frozen=True)
class ClipSource:
    """One analysed clip of a screen: its video (None if not found) and its angles."""

    info: ClipInfo
    name: str
    video: Path | None
    pose: ConditionedPose | None
    k: Kinematics | None
    standing: NDArray[np.bool_] | None  # frames of the standing reference
    problem: str | None  # why stills or plots are missing


def find_video(clip_file: str, results_dir: Path) -> Path | None:
    """The clip as recorded in results, tried as given, beside the results, and by name."""
    p = Path(clip_file)
    for cand in (p, results_dir / p, results_dir / p.name, results_dir.parent / p.name):
        if cand.is_file():
            return cand
    return None


def _pose_file(results_dir: Path, info: ClipInfo) -> Path | None:
    for cand in (results_dir / "pose.npz", results_dir / Path(info.file).stem / "pose.npz"):
        if cand.is_file():
            return cand
    return None


def clip_sources(source: Path, r: ScreenResult) -> list[ClipSource]:
    """Every clip of ``r`` (one, or several when combined), never raising for missing files."""
    out = []
    results_dir = Path(source).parent
    combined = bool(r.other_clips)
    for info in (r.clip, *r.other_clips):
        name = Path(info.file).name
        video = find_video(info.file, results_dir)
        pose_path = _pose_file(results_dir, info) if not combined else (
            results_dir / Path(info.file).stem / "pose.npz")
        problem = None if video else (f"clip not found: {info.file} (stills and the annotated "
                                      "video need the original clip)")
        pose = k = standing = None
        if pose_path is None or not pose_path.is_file():
            problem = f"pose.npz not found beside {Path(source).name}: no stills or plots"
        else:
            try:
                seq = PoseSequence.load(pose_path)
            except MovescreenError as exc:
                problem = exc.message
            else:
                if seq.clip.sha256 != info.sha256:
                    problem = f"{pose_path} belongs to another clip: no stills or plots"
                else:
                    pose, k = screen_pose(seq, r.test)  # exactly as the screen saw it
                    standing = (k.t >= r.standing.t_start - 1e-6) & (
                        k.t <= r.standing.t_end + 1e-6)
        out.append(ClipSource(info, name, video, pose, k, standing, problem))
    return out


def frame_index(t: NDArray[np.float64], when: float) -> int:
    """The frame nearest ``when`` seconds."""
    return int(np.argmin(np.abs(t - when)))
