"""Lead lists' use-cases, one module a job: `claims` (add, claim an association, release), `overlaps`
(found when claims are added, read for DMs and managers), `settling` (the reps' choices on an overlap),
`decisions` (the manager's and the clock's), `card`, `credit`, `imports`, `export`, `settings`, and what
they share: `people` (who is asking), `entries` (every account held) and `history` (the account's log).
"""
