"""Pure core: versions, tags, commits, configuration, plans. No I/O, no subprocess."""
