"""A distro's library: Muse import, the catalogue site and its OPDS feeds."""
