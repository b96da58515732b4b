"""The pure core: checklist model, conditions, answers, scoring, roll-ups, report model. No I/O here.

Nothing under core/ may import typer, rich, openpyxl, xlsxwriter, reportlab, sqlmodel or touch files.
"""
