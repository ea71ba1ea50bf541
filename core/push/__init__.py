"""Web Push: devices that asked to be told, people's choices, the outbox and its worker.

Other apps call ``core.push.services.push_notify`` inside the transaction that makes the
change; ``manage.py push_worker`` sends what it queued.
"""
