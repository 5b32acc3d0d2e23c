"""My follow-ups: what each person owes the coalition, on their own page and by email."""
