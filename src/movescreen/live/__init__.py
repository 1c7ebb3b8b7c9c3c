"""Live webcam screen: guided recording with real-time feedback.

The numbers shown while recording are a preview; the numbers that count come from the same
offline analysis as ``movescreen analyze``, run on the recorded clip when the set ends.
"""
