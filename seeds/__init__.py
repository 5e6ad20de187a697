"""Source lists (data, not code): one TOML file per list, read by ``yrdwatch.crawler.sources``.

``sample.toml`` describes the bundled offline sample sites; ``yrd.toml`` lists real 长三角 sources.
"""
