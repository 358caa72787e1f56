"""A rep's 1:1 page: who may open it and what a manager records (access), and what it shows (page)."""
