"""Plan a clip's pose jobs: passes (picture, and mirror if symmetric) x time segments."""

import math

from ..video import VideoInfo
from .jobs import PoseJob
from .landmarker import PoseOptions
from .models import ModelBundle

OVERLAP_S = 1.5  # a later segment starts this much earlier to re-acquire and settle
MIN_SEGMENT_S = 4.0  # shorter segments would spend most of their time in the overlap


def plan_jobs(video: VideoInfo, model: ModelBundle, options: PoseOptions, workers: int,
              overlap_s: float = OVERLAP_S, min_segment_s: float = MIN_SEGMENT_S
              ) -> list[PoseJob]:
    """One job per (pass, segment), about as many jobs as ``workers``.

    The passes come first (a symmetric analysis on 2 workers runs picture and mirror side by
    side); the remaining workers split the clip in time, into jobs of equal length.
    """
    passes = (False, True) if options.symmetric else (False,)
    duration = video.duration_s or 0.0
    segments = max(1, min(workers // len(passes), math.floor(duration / min_segment_s)))
    # every job gets the same length, overlap included, so that none waits for another
    length = (duration + (segments - 1) * overlap_s) / segments
    bounds = [0.0] + [length + k * (length - overlap_s) for k in range(segments - 1)]
    bounds.append(duration)
    fps = video.fps_nominal or 30.0
    # jobs side by side keep the cores busy: FFmpeg's frame threads would only compete
    alone = workers < 2 or len(passes) * segments < 2
    jobs = []
    for mirrored in passes:
        for k in range(segments):
            start = max(0.0, bounds[k] - overlap_s) if k else 0.0
            end = bounds[k + 1] if k + 1 < segments else None
            span = (end if end is not None else duration) - start
            jobs.append(PoseJob(video=video, model=model, options=options, mirrored=mirrored,
                                start_s=start, keep_from_s=bounds[k] if k else 0.0, end_s=end,
                                frames_estimate=max(1, round(span * fps)) if duration else None,
                                decode_threads=alone))
    return jobs
