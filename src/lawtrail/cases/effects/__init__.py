"""Effects of the rows of the transition table, grouped by procedure area.

An effect takes the step's ``engine.StepContext`` and changes what the step changes — the case's
fields (saved by the engine), the rows it creates, the deadlines it starts or meets — each row it
writes with its journal entry. It never writes into the step's input; what it reports for the
event goes into ``ctx.out``. The rules were checked by the row's guards before it runs.
"""
