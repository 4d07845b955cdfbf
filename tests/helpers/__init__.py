"""Helpers shared by the tests: small waves, built sites, report notebooks."""
