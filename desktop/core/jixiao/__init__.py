"""绩效 forms (自评表, 目标表): definitions, values, scoring, checks and their store inside the .gkb file."""
