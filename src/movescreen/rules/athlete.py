"""Athlete facts the rules may use: sex (for sex-specific norms), age, goal, self-reported pain."""

import json
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import MovescreenError
from .schema import Sex

Goal = Literal["running", "jumping", "daily-life", "unknown"]


class AthleteFacts(BaseModel):
    """What the athlete or coach reports. Unknown sex uses the unknown-sex thresholds."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    sex: Sex = "unknown"
    age: float | None = Field(default=None, ge=5, le=110)
    goal: Goal = "unknown"
    pain: int | None = Field(default=None, ge=0, le=10, description="0-10; None = not asked")
    pain_sharp: bool = False
    pain_persistent: bool = False
    swelling: bool = False


def load_athlete(path: Path) -> AthleteFacts:
    """Read athlete facts from a .toml or .json file."""
    try:
        text = Path(path).read_text("utf-8")
        data = tomllib.loads(text) if Path(path).suffix.lower() == ".toml" else json.loads(text)
        return AthleteFacts.model_validate(data)
    except OSError as exc:
        raise MovescreenError(f"{path}: cannot read the athlete file ({exc.strerror}).") from None
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
        raise MovescreenError(f"{path}: not valid TOML/JSON: {exc}") from None
    except ValidationError as exc:
        errs = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'file'}: {e['msg']}"
                         for e in exc.errors())
        raise MovescreenError(f"{path}: invalid athlete facts: {errs}") from None
