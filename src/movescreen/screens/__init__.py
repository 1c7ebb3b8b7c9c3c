"""One module per screen; each turns a PoseSequence into a ScreenResult."""
