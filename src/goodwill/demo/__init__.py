"""The demo airline: a deterministic, realistic airline built on the real 2013 JetBlue schedule."""
