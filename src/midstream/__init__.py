"""Midstream: distributor management for vendors who sell through wholesale distributors."""
