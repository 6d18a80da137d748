"""Start the dashboard: `python scripts/serve.py [streamlit options]`.

Same as `streamlit run app.py`, except that Streamlit is told up front that this app routes with
st.navigation. Otherwise, until the first session has run app.py, Streamlit treats pages/ as its
legacy pages folder, and the first deep link after a restart (say /units) shows "page not found".

Once the server answers, the first page's imports are warmed in the background (ui.warmup), so the first visitor
does not wait for them; the health endpoint does not wait for them either.
"""
import logging
import sys
from pathlib import Path

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import bootstrap, cli

APP = Path(__file__).resolve().parent.parent / "app.py"


def warm_after_start() -> None:
    """Start ui.warmup right after the server has started (Streamlit's own start hook, wrapped), so the warm-up
    never delays the server answering. Without that hook (another Streamlit version) nothing is warmed."""
    on_start = getattr(bootstrap, "_on_server_start", None)
    if on_start is None:
        return

    def on_server_start(server) -> None:
        on_start(server)
        if str(APP.parent) not in sys.path:
            sys.path.insert(0, str(APP.parent))
        try:
            from ui import warmup

            warmup.start()
        except Exception:   # a server without its warm-up still serves, only its first page is slower
            logging.getLogger(__name__).warning("no warm-up", exc_info=True)

    bootstrap._on_server_start = on_server_start


if __name__ == "__main__":
    PagesManager.uses_pages_directory = False
    warm_after_start()
    sys.argv = ["streamlit", "run", str(APP), *sys.argv[1:]]
    sys.exit(cli.main())
