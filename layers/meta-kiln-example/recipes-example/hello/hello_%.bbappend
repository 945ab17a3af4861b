# The example's own greeting.
GREETING = "hello from the kiln quickstart"
