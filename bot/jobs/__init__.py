"""The clock's work: planners that turn what is due into delivery rows (one module per feature), the
outbox that sends them, the tick that runs both (`bot/jobs/tick.py`) and the scheduler that calls it."""
