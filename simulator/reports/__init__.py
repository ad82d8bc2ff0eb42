"""Reports: words, tables, letters, the Excel pack, the one-page brief and the map,
built from a result for the people who read them."""
