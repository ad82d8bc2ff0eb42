"""The Streamlit shell of the iBCF allocation review simulator.

Thin modules only: they turn widgets into one :class:`simulator.schema.scenario.Scenario`,
call the model (``simulator``) and draw the results. No model arithmetic lives here.
"""
