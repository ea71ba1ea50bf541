"""Money and hours: how a person's care is paid for, and how the rota spends it.

What a family needs to know and plan, not invoicing or payroll.
"""
