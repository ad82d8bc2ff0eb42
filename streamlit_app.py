"""The iBCF allocation review simulator in the browser: ``make app`` or
``streamlit run streamlit_app.py``. The page itself lives in :mod:`app.shell`."""

from app.shell import main

main()
