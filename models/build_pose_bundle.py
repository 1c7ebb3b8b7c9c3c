#!/usr/bin/env python3
"""Build the offline MediaPipe PoseLandmarker bundles ``pose_landmarker_{full,heavy}.task``.

Both bundles hold BlazePose GHUM 3D: the pose detector shipped inside the
``mediapipe==0.10.21`` wheel on PyPI
(``mediapipe/modules/pose_detection/pose_detection.tflite``) and one pose
landmark model. "full" takes its landmark model from the same wheel
(``mediapipe/modules/pose_landmark/pose_landmark_full.tflite``); "heavy" takes
``pose_landmark_heavy.tflite`` from the npm package
``@mediapipe/pose@0.5.1675469404`` (fetched with ``npm pack``). The archives and
every model inside them are pinned by sha256; a mismatch stops the build. The
Tasks API refuses models without TFLite metadata, so this script adds it with
the tflite-support 0.4.4 metadata writer and zips both models as a ``.task``
bundle with fixed entry timestamps, so the output is byte-for-byte reproducible.

Usage (any Python 3.11, needs pip access to PyPI; heavy also needs ``npm``)::

    python models/build_pose_bundle.py [--variant full|heavy] [--out PATH]
                                       [--wheel PATH] [--npm-tarball PATH]
                                       [--venv /tmp/msbuild-venv]

tflite-support 0.4.4 pins old protobuf (3.20.x), so it must never be installed
into the project venv. If ``tflite_support`` cannot be imported, the script
creates a throwaway venv (``--venv``, default ``/tmp/msbuild-venv``), installs
``BUILD_REQUIREMENTS`` there and re-runs itself with that interpreter. The
manual equivalent is::

    python3.11 -m venv /tmp/msbuild-venv
    /tmp/msbuild-venv/bin/pip install tflite-support==0.4.4 libusb-package==1.0.30.0
    /tmp/msbuild-venv/bin/python models/build_pose_bundle.py

``libusb-package`` exists only because tflite-support's native extension links
``libusb-1.0.so.0``. The script preloads the copy that package ships, so no
system package is needed.
"""

from __future__ import annotations

import argparse
import ctypes
import hashlib
import os
import struct
import subprocess
import sys
import tarfile
import tempfile
import venv
import zipfile
from dataclasses import dataclass
from pathlib import Path

MEDIAPIPE_VERSION = "0.10.21"
WHEEL_NAME = f"mediapipe-{MEDIAPIPE_VERSION}-cp311-cp311-manylinux_2_28_x86_64.whl"
WHEEL_SHA256 = "05dc4a9e593655a79558d05d6227d31018c2537a4bd3362b51e230cf22aecfe3"
NPM_VERSION = "0.5.1675469404"
NPM_PACKAGE = f"@mediapipe/pose@{NPM_VERSION}"
NPM_TARBALL_NAME = f"mediapipe-pose-{NPM_VERSION}.tgz"
NPM_TARBALL_SHA256 = "8bb349a7b3a3ba699df23be804ddd3b3eab810b50b15406894be257859388a84"
ARCHIVE_SHA256 = {"wheel": WHEEL_SHA256, "npm": NPM_TARBALL_SHA256}
BUILD_REQUIREMENTS = (
    "tflite-support==0.4.4",
    "libusb-package==1.0.30.0",
    "protobuf==3.20.3",
    "flatbuffers==25.12.19",
)
MODELS_DIR = Path(__file__).resolve().parent
DEFAULT_VENV = Path("/tmp/msbuild-venv")
LICENSE = "Apache License. Version 2.0 http://www.apache.org/licenses/LICENSE-2.0."
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
ZIP_ALIGN = 64  # start each stored model on a 64-byte boundary (mmap friendly)
_BOOTSTRAP_ENV = "MSBUILD_BOOTSTRAPPED"


@dataclass(frozen=True)
class ModelSpec:
    """One model of a bundle: its source archive, member, pinned hash and metadata."""

    archive: str  # "wheel" (mediapipe on PyPI) or "npm" (@mediapipe/pose)
    member: str
    member_sha256: str
    bundle_name: str
    title: str
    version: str
    description: str
    norm_mean: float
    norm_std: float
    outputs: tuple[tuple[str, str, str], ...]  # (tensor name, md name, description)


DETECTOR = ModelSpec(
    archive="wheel",
    member="mediapipe/modules/pose_detection/pose_detection.tflite",
    member_sha256="9ba9dd3d42efaaba86b4ff0122b06f29c4122e756b329d89dca1e297fd8f866c",
    bundle_name="pose_detector.tflite",
    title="BlazePose GHUM 3D pose detector",
    version=f"mediapipe-{MEDIAPIPE_VERSION}",
    description="Detects a person (box + 4 alignment keypoints) on a 224x224 RGB"
    " image in [-1, 1].",
    norm_mean=127.5,
    norm_std=127.5,
    outputs=(
        ("Identity", "raw_boxes", "Undecoded SSD boxes and keypoints, 2254x12."),
        ("Identity_1", "scores", "Raw (pre-sigmoid) score per anchor, 2254x1."),
    ),
)
_LANDMARK_OUTPUTS = (
    ("Identity", "landmarks", "39 x (x, y, z, visibility, presence)."),
    ("Identity_1", "pose_flag", "Pose presence score."),
    ("Identity_2", "segmentation", "256x256 segmentation logits."),
    ("Identity_3", "heatmap", "64x64x39 landmark heatmap."),
    ("Identity_4", "world_landmarks", "39 world landmarks x (x, y, z), m."),
)
_LANDMARK_DESCRIPTION = (
    "Predicts 33 pose landmarks (+6 auxiliary) on a 256x256 RGB pose crop in [0, 1]."
)
VARIANTS = {
    "full": (
        DETECTOR,
        ModelSpec(
            archive="wheel",
            member="mediapipe/modules/pose_landmark/pose_landmark_full.tflite",
            member_sha256="e9a5c5cb17f736fafd4c2ec1da3b3d331d6edbe8a0d32395855aeb2cdfd64b9f",
            bundle_name="pose_landmarks_detector.tflite",
            title="BlazePose GHUM 3D pose landmarks (full)",
            version=f"mediapipe-{MEDIAPIPE_VERSION}",
            description=_LANDMARK_DESCRIPTION,
            norm_mean=0.0,
            norm_std=255.0,
            outputs=_LANDMARK_OUTPUTS,
        ),
    ),
    "heavy": (
        DETECTOR,
        ModelSpec(
            archive="npm",
            member="package/pose_landmark_heavy.tflite",
            member_sha256="59e42d71bcd44cbdbabc419f0ff76686595fd265419566bd4009ef703ea8e1fe",
            bundle_name="pose_landmarks_detector.tflite",
            title="BlazePose GHUM 3D pose landmarks (heavy)",
            version=f"mediapipe-pose-{NPM_VERSION}",
            description=_LANDMARK_DESCRIPTION,
            norm_mean=0.0,
            norm_std=255.0,
            outputs=_LANDMARK_OUTPUTS,
        ),
    ),
}


def ensure_build_env(venv_dir: Path) -> None:
    """Import tflite_support, or re-exec this script inside a build venv that has it."""
    try:
        import libusb_package  # type: ignore[import-not-found]

        ctypes.CDLL(str(libusb_package.get_library_path()), mode=ctypes.RTLD_GLOBAL)
        import tflite_support  # type: ignore[import-not-found]  # noqa: F401

        return
    except ImportError as exc:
        if os.environ.get(_BOOTSTRAP_ENV):
            raise SystemExit(f"build venv is broken: {exc}") from exc
    python = venv_dir / "bin" / "python"
    if not python.exists():
        print(f"creating build venv {venv_dir}", flush=True)
        venv.create(venv_dir, with_pip=True)
    pip = [str(python), "-m", "pip", "install", "-q"]
    subprocess.run([*pip, *BUILD_REQUIREMENTS], check=True)
    os.environ[_BOOTSTRAP_ENV] = "1"
    os.execv(python, [str(python), str(Path(__file__).resolve()), *sys.argv[1:]])


def sha256(data: bytes) -> str:
    """Hex sha256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def fetch_wheel(dest: Path) -> Path:
    """Download the pinned cp311 manylinux mediapipe wheel from PyPI into ``dest``."""
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "-d", str(dest)]
    cmd += ["--only-binary=:all:", "--implementation", "cp", "--python-version"]
    cmd += ["3.11", "--abi", "cp311", "--platform", "manylinux_2_28_x86_64"]
    subprocess.run([*cmd, f"mediapipe=={MEDIAPIPE_VERSION}"], check=True)
    return dest / WHEEL_NAME


def fetch_npm_tarball(dest: Path) -> Path:
    """Download the pinned ``@mediapipe/pose`` tarball from the npm registry into ``dest``."""
    cmd = ["npm", "pack", NPM_PACKAGE, "--pack-destination", str(dest)]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return dest / NPM_TARBALL_NAME


def check_sha256(data: bytes, expected: str, what: str) -> None:
    """Stop the build loudly when ``data`` does not have the pinned hash."""
    digest = sha256(data)
    if digest != expected:
        raise SystemExit(f"SHA-256 MISMATCH: {what} has {digest}, pinned {expected}")
    print(f"{what}: sha256 {digest} (pinned, ok)")


def read_member(archive: Path, kind: str, member: str) -> bytes:
    """One file from the mediapipe wheel (zip) or the npm tarball (gzipped tar)."""
    if kind == "wheel":
        with zipfile.ZipFile(archive) as whl:
            return whl.read(member)
    with tarfile.open(archive, "r:gz") as tar:
        fh = tar.extractfile(member)
        if fh is None:
            raise SystemExit(f"{archive}: {member} is not a regular file")
        return fh.read()


def add_metadata(model: bytes, spec: ModelSpec) -> bytes:
    """Return ``model`` with TFLite metadata: RGB image input, feature outputs."""
    from tensorflow_lite_support.metadata.python.metadata_writers import (
        metadata_writer,
    )
    from tflite_support import metadata_schema_py_generated as md_fb
    from tflite_support import schema_py_generated as schema_fb
    from tflite_support.metadata_writers import metadata_info

    general = metadata_info.GeneralMd(
        name=spec.title,
        version=spec.version,
        description=spec.description,
        author="Google (MediaPipe)",
        licenses=LICENSE,
    )
    image = metadata_info.InputImageTensorMd(
        name="image",
        description="RGB input image.",
        norm_mean=[spec.norm_mean],
        norm_std=[spec.norm_std],
        color_space_type=md_fb.ColorSpaceType.RGB,
        tensor_type=schema_fb.TensorType.FLOAT32,
    )
    outputs = [
        metadata_info.TensorMd(name=name, description=desc, tensor_name=tensor)
        for tensor, name, desc in spec.outputs
    ]
    writer = metadata_writer.MetadataWriter.create_from_metadata_info(
        bytearray(model), general_md=general, input_md=[image], output_md=outputs
    )
    return bytes(writer.populate())


def write_bundle(out: Path, members: list[tuple[str, bytes]]) -> None:
    """Write a reproducible, uncompressed zip with 64-byte aligned entry data."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(out.suffix + ".tmp")
    with open(tmp, "wb") as fh, zipfile.ZipFile(fh, "w", zipfile.ZIP_STORED) as zf:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_STORED
            info.create_system = 3  # unix
            info.external_attr = 0o100644 << 16
            header_end = fh.tell() + 30 + len(name.encode()) + 4
            pad = -header_end % ZIP_ALIGN
            info.extra = struct.pack("<HH", 0xD935, pad) + b"\0" * pad
            zf.writestr(info, data)
    tmp.replace(out)


def main() -> None:
    """Parse arguments, build the bundle and print its sha256."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variant", choices=sorted(VARIANTS), default="full")
    parser.add_argument("--out", type=Path,
                        help="default: models/pose_landmarker_<variant>.task")
    parser.add_argument("--wheel", type=Path, help="use an already downloaded wheel")
    parser.add_argument("--npm-tarball", type=Path,
                        help=f"use an already packed {NPM_TARBALL_NAME} (heavy)")
    parser.add_argument("--venv", type=Path, default=DEFAULT_VENV, help="build venv")
    args = parser.parse_args()
    out = args.out or MODELS_DIR / f"pose_landmarker_{args.variant}.task"
    specs = VARIANTS[args.variant]
    ensure_build_env(args.venv)

    with tempfile.TemporaryDirectory(prefix="msbuild-") as tmpdir:
        given = {"wheel": args.wheel, "npm": args.npm_tarball}
        fetch = {"wheel": fetch_wheel, "npm": fetch_npm_tarball}
        archives = {}
        for kind in sorted({spec.archive for spec in specs}):
            archives[kind] = given[kind] or fetch[kind](Path(tmpdir))
            check_sha256(archives[kind].read_bytes(), ARCHIVE_SHA256[kind], archives[kind].name)
        members = []
        for spec in specs:
            raw = read_member(archives[spec.archive], spec.archive, spec.member)
            check_sha256(raw, spec.member_sha256, spec.member)
            members.append((spec.bundle_name, add_metadata(raw, spec)))

    write_bundle(out, members)
    data = out.read_bytes()
    print(f"wrote {out} ({len(data)} bytes)")
    print(f"{sha256(data)}  {out.name}")


if __name__ == "__main__":
    main()
