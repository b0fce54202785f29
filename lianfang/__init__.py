"""Lianfang (联防): a system of record for a district's joint epidemic prevention and control."""
