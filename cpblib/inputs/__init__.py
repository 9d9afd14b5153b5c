"""Inputs: reading the files people give cpb, checking extracts against the catalogue, and the store."""
