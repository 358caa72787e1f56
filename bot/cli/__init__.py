"""The `stretch` command, one module per command group: bot/cli/main.py parses and dispatches.

server.py (serve, tick, db), demo.py, teams.py (team), questions.py (questions, skip), charts.py (chart),
privacy.py (export, forget, retention, audit, notes-export) and leads.py (leads); common.py holds what
they share.
"""
