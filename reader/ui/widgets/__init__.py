"""The main screen's widgets: each shows what the screen hands it and reports input as messages.

None of them reads the library, the state store or the app: data goes down as method calls
(``show``, ``set_tree``, ``set_ids``), what the user did comes up as a ``Message``.
"""
