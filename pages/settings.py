"""Settings: the data source, and what in it could not be read."""

import pandas as pd
import streamlit as st

from lib import schema, ui
from lib.store import StoreError

ui.page_frame()

st.title("Settings")
store = ui.store_or_stop()
tables = ui.tables()

st.subheader("Data source")
st.write(store.label)
st.dataframe(
    pd.DataFrame({"Table": list(tables), "Records": [len(frame) for frame in tables.values()]}),
    hide_index=True,
)

problems = [problem for frame in tables.values() for problem in schema.problems_of(frame)]
st.subheader("Data health")
if not problems:
    st.success("Everything in the data source reads as expected.")
else:
    st.warning(
        f"{len(problems)} things in the data source could not be read as expected. "
        "Nothing has been changed; fix them in the source, or use the button below."
    )
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Table": p.table,
                    "Row": p.row,
                    "Column": p.column,
                    "Value": p.value,
                    "Problem": p.message,
                }
                for p in problems
            ]
        ),
        hide_index=True,
    )
    if st.button("Create the missing tabs and columns"):
        try:
            store.ensure_schema()
        except StoreError as error:
            st.error(str(error))
        else:
            st.rerun()
