"""Word lists and tables the extraction modules read (junk lines, month names, Chinese script
pairs). Kept as data so they can be edited without touching code; a package so they ship with
newsmon."""
