"""Seed data at named scales: a hand-picked demo set, and generated medium and large sets."""
