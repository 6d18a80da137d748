"""Start the dashboard: `python scripts/serve.py [streamlit options]`.

Same as `streamlit run app.py`, except that Streamlit is told up front that this app routes with
st.navigation. Otherwise, until the first session has run app.py, Streamlit treats pages/ as its
legacy pages folder, and the first deep link after a restart (say /units) shows "page not found".
"""
import sys
from pathlib import Path

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

APP = Path(__file__).resolve().parent.parent / "app.py"

if __name__ == "__main__":
    PagesManager.uses_pages_directory = False
    sys.argv = ["streamlit", "run", str(APP), *sys.argv[1:]]
    sys.exit(cli.main())
