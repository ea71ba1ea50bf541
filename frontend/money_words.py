"""Money and hours in words: pounds and pence, and hours a family reads at a glance."""

from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def pounds(pence: int) -> str:
    """£1,234.50: always pence shown, the thousands grouped."""
    amount = number_format(Decimal(pence) / 100, decimal_pos=2, force_grouping=True)
    return _("£%(amount)s") % {"amount": amount}


def hours(minutes: int) -> str:
    """12 hours 30 minutes; 45 minutes; 3 hours."""
    whole, rest = divmod(max(0, minutes), 60)
    hours_words = ngettext("%(count)d hour", "%(count)d hours", whole) % {"count": whole}
    minutes_words = ngettext("%(count)d minute", "%(count)d minutes", rest) % {"count": rest}
    if whole and rest:
        return _("%(hours)s %(minutes)s") % {"hours": hours_words, "minutes": minutes_words}
    return hours_words if whole or not rest else minutes_words


def early_in_words(days: int) -> str:
    """How long before the period ends: in weeks once it is two or more."""
    if days >= 14:
        weeks = days // 7
        return ngettext("%(count)d week early", "%(count)d weeks early", weeks) % {"count": weeks}
    return ngettext("%(count)d day early", "%(count)d days early", days) % {"count": days}
