"""Recovery: what the rules owe each disrupted passenger, decided, explained and paid once."""
