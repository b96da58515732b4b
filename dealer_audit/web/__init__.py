"""The browser app (`dealer-audit serve`): the auditor's capture form and the managers' read-only views.

A sibling of `cli/`: routes are thin layers over `services/` and `capture/`, so every rule lives once. Every asset
ships inside the package (static/vendor) because the laptop it runs on is offline in the field.
"""
