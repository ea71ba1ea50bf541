from django.forms.renderers import TemplatesSetting


class KithFormRenderer(TemplatesSetting):
    """Every form renders with visible labels, help and errors tied to their fields."""

    form_template_name = "frontend/forms/form.html"
    field_template_name = "frontend/forms/field.html"
