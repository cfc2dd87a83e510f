"""The stakeholder graph (NetworkX): paths, influence ranking, key-person risk."""
