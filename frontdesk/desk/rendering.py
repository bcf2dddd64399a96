"""A form renderer that writes the desk's most frequent widgets in Python.

Django renders every ``<option>`` of a select, and every attribute list, through a template of its own: on the
queue page (a dozen selects with every agent and category of the agent's brands, about 220 options) that was a
fifth of the page's time. ``QuickRenderer`` writes the same markup as those templates, character for character
(``test_rendering.py`` compares them), and leaves every other template to Django.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache, lru_cache
from typing import Any

from django.forms.renderers import BaseRenderer, get_default_renderer
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeData, SafeString


def _attrs(attrs: Mapping[str, Any]) -> SafeString:
    """``django/forms/widgets/attrs.html``: `` name="value"``, a bare name for True, nothing for False."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, str(value)),)
            for name, value in attrs.items()
            if value is not False
        ),
    )


def _input(widget: Mapping[str, Any]) -> SafeString:
    """``django/forms/widgets/input.html``."""
    value = widget["value"]
    return format_html(
        '<input type="{}" name="{}"{}{}>',
        widget["type"],
        widget["name"],
        format_html(' value="{}"', str(value)) if value is not None else "",
        _attrs(widget["attrs"]),
    )


def _option(option: Mapping[str, Any]) -> SafeString:
    """``django/forms/widgets/select_option.html``."""
    attrs, label = option["attrs"], option["label"]
    return _option_html(
        str(option["value"]),
        str(label),
        isinstance(label, SafeData),
        tuple(attrs.items()) if attrs else (),
    )


@lru_cache(maxsize=8192)
def _option_html(value: str, label: str, safe: bool, attrs: tuple[tuple[str, Any], ...]) -> SafeString:
    """One option, remembered: the same agents and categories are offered on every page."""
    shown = format_html("{}", SafeString(label)) if safe else label
    return format_html('<option value="{}"{}>{}</option>', value, _attrs(dict(attrs)), shown)


def _select(widget: Mapping[str, Any]) -> SafeString | None:
    """``django/forms/widgets/select.html``; None (the template, then) for options of another template."""
    parts: list[SafeString] = []
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(format_html('\n  <optgroup label="{}">', group_name))
        for option in options:
            if option["template_name"] != "django/forms/widgets/select_option.html":
                return None
            # Each included option template ends in a newline (only the outermost output is stripped).
            parts.append(format_html("\n  {}\n", _option(option)))
        if group_name:
            parts.append(SafeString("\n  </optgroup>"))
    return format_html(
        '<select name="{}"{}>{}\n</select>',
        widget["name"],
        _attrs(widget["attrs"]),
        format_html_join("", "{}", ((p,) for p in parts)),
    )


def _input_option(widget: Mapping[str, Any]) -> SafeString:
    """``django/forms/widgets/input_option.html`` (a checkbox or radio button, its label wrapped or not)."""
    if not widget.get("wrap_label"):
        return _input(widget)
    label_for = widget["attrs"].get("id")
    return format_html(
        # input.html ends in a newline, which the include keeps before the label's text.
        "<label{}>{}\n {}</label>",
        format_html(' for="{}"', label_for) if label_for else "",
        _input(widget),
        widget["label"],
    )


def _label(context: Mapping[str, Any]) -> SafeString:
    """``django/forms/label.html``."""
    if not context["use_tag"]:
        return format_html("{}", context["label"])
    tag = context["tag"]
    return format_html("<{}{}>{}</{}>", tag, _attrs(context["attrs"] or {}), context["label"], tag)


_WRITERS: dict[str, Callable[[Mapping[str, Any]], SafeString | None]] = {
    "django/forms/widgets/select.html": _select,
    "django/forms/widgets/select_option.html": _option,
    "django/forms/widgets/attrs.html": _attrs,
    "django/forms/widgets/input_option.html": _input_option,
    "django/forms/widgets/checkbox_option.html": _input_option,
    "django/forms/widgets/radio_option.html": _input_option,
    **{
        f"django/forms/widgets/{name}.html": _input
        for name in (
            "input",
            "text",
            "hidden",
            "number",
            "email",
            "search",
            "tel",
            "url",
            "password",
            "checkbox",
        )
    },
}


class QuickRenderer(BaseRenderer):
    """The project's form renderer, with the widgets above written in Python."""

    def __init__(self, fallback: BaseRenderer | None = None) -> None:
        self.fallback = fallback or get_default_renderer()
        self.form_template_name = self.fallback.form_template_name
        self.formset_template_name = self.fallback.formset_template_name
        self.field_template_name = self.fallback.field_template_name

    def get_template(self, template_name: str) -> Any:
        return self.fallback.get_template(template_name)

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        if template_name == "django/forms/label.html":
            return _label(context)
        writer = _WRITERS.get(template_name)
        widget = context.get("widget") if writer is not None else None
        if writer is not None and widget is not None and _plain(widget):
            written = writer(widget)
            if written is not None:
                return written
        return self.fallback.render(template_name, context, request)


def _plain(widget: Mapping[str, Any]) -> bool:
    """Whether the widget's template is Django's own (a project may override a widget's template)."""
    template = widget.get("template_name", "")
    return not template or template.startswith("django/forms/widgets/")


@cache
def quick_renderer() -> QuickRenderer:
    return QuickRenderer()
