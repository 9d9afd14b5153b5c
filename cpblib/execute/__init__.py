"""Executing the pack's page notebooks for a month (papermill, shared kernels)."""
