"""Shout-outs: giving one (giving), the drafts managers get from stretch moments and what they did with
them (drafts), and the effort leaderboard (effort)."""
