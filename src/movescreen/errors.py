"""The one exception type for problems a user can cause and fix."""


class MovescreenError(Exception):
    """A problem with the input or the recording, with a message that says what to do.

    Front ends print the message without a traceback and exit with ``exit_code``.
    Programming errors are never wrapped in this type.
    """

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
