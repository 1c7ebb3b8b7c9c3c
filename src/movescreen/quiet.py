"""Keep MediaPipe's native log lines (written straight to file descriptor 2) off the terminal."""

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator


@contextlib.contextmanager
def native_stderr_captured(show: bool = False) -> Iterator[None]:
    """Send fd 2 to a temporary file for the duration; replay it if ``show`` is set."""
    if show:
        yield
        return
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as sink:
        os.dup2(sink.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
