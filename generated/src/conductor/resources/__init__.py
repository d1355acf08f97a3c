"""Resource classes, one module each (a group of resources is a package); the client imports them on first use."""
