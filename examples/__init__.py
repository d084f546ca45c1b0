"""Example apps for the demo and the docs: one legacy, one migrated to fulfillment orders."""
