"""Pilots: what they are and who may steer one (core), the modal's form and saving it (forms), what
participants and owners answer (answers), and the lists and summaries (lists)."""
