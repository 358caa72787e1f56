"""Use-cases, one function per user intent: load, decide with `bot.domain`, write. Never commit."""
