"""jionlp, imported once for the whole library.

jionlp and its jiojio dependency print banners on import; standard output belongs to the CLI's
JSON lines, so they are swallowed here.
"""
import contextlib
import io

with contextlib.redirect_stdout(io.StringIO()):
    import jionlp  # noqa: F401  (re-exported)
