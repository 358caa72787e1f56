"""Lead lists' rules, one module a job: `keys` (a company's two identity keys), `accounts` (reading what
people type or import), `matching` (overlaps between reps' claims), `rules` (working days, the fallback,
splits and credit) and `command` (what `/claim-leads …` asks for).

Nothing here knows Slack, SQL or the clock.
"""
