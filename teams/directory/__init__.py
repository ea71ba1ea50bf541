"""The neighbourhood directory: groups, activities, places and micro-providers a team knows.

Entries belong to a team; a team may share an entry with the other teams of its
organisation. Connections tie an entry to one person (and, if they like, to one of their
interests and goals); they never leave the person's team. See teams.directory.access.
"""
