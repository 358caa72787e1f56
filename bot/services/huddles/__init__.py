"""Team huddles: the card and its huddle (card), replies in its thread (replies), the managers' recap
(recaps) and the quiet-in-huddles alert signal (signals). The clock that plans them is bot/jobs/huddles.py."""
