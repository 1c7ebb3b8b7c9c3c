"""Pose estimation: model resolution and clip -> PoseSequence."""

from .estimate import estimate_pose
from .models import ModelBundle, resolve_model
from .sequence import PoseSequence

__all__ = ["ModelBundle", "PoseSequence", "estimate_pose", "resolve_model"]
