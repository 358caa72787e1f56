"""The feature job modules; importing this registers their planners and delivery kinds."""
