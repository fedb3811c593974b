"""The page types every browser check visits, on the data of the `atlas` fixture."""

# (name, path, expected HTTP status)
PAGES = [
    ("home", "/", 200),
    ("browse", "/jurisdictions/", 200),
    ("browse-invalid-filter", "/jurisdictions/?changed_since=last+week&as_of=1800-01-01", 400),
    ("jurisdiction", "/jurisdictions/sweden/", 200),
    ("jurisdiction-with-units", "/jurisdictions/federation/", 200),
    ("compare", "/compare/?j=sweden&j=new-zealand&j=netherlands", 200),
    ("compare-before-after", "/compare/?j=new-zealand@2003-01-01&j=new-zealand", 200),
    ("compare-errors", "/compare/?j=sweden&j=atlantis", 400),
    ("models", "/models/", 200),
    ("model-detail", "/models/nordic/", 200),
    ("models-over-time", "/models/over-time/", 200),
    ("events", "/events/", 200),
    ("events-filtered", "/events/?model_change=true&date_from=1995-01-01", 200),
    ("about", "/about/", 200),
    ("codebook", "/codebook/", 200),
    ("search", "/search/?q=swe", 200),
    ("embed-builder", "/embed/", 200),
    ("embed-map", "/embed/map/?focus=europe", 200),
]
