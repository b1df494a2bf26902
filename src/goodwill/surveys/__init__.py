"""Post-flight surveys: who is invited after a flown segment (with fatigue rules), the survey link, responses."""
