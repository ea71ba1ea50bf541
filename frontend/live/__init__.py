"""What open pages are sent when something happens: the web layer's side of core.realtime.

Services announce what happened (core.realtime.announce); the renderers here draw the
fragments for it, once per audience and language listening, and again, as things stand now,
for a page catching up. frontend.apps registers them.
"""
