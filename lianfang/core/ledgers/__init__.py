"""Excel ledgers (台账): import people, units and users from Excel, export people and units to it."""
