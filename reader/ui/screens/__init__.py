"""The app's screens: :class:`~reader.ui.screens.main.MainScreen` (the three panes and their
controller) and the modal screens opened from it (help, problems, bookmarks, highlights).
"""
