"""What a browser submits for a form on a page: the successful controls, in document order.

Follows the HTML rules that matter for admin forms: unchecked boxes and disabled controls are
not sent, a single select sends its selected option (else its first), a textarea drops the one
line break after its start tag and sends its line breaks as CRLF, buttons are not sent.
"""

from dataclasses import dataclass, field
from html.parser import HTMLParser

NOT_SENT = {"submit", "button", "image", "reset", "file"}


@dataclass
class Control:
    tag: str
    name: str
    type: str = "text"
    value: str = ""
    checked: bool = False
    options: list = field(default_factory=list)  # (value, selected) for selects
    attrs: dict = field(default_factory=dict)


class _FormParser(HTMLParser):
    def __init__(self, form_class: str):
        super().__init__(convert_charrefs=True)
        self.form_class = form_class
        self.in_form = False
        self.controls: list[Control] = []
        self.textarea: Control | None = None
        self.select: Control | None = None
        self.option: list | None = None

    def handle_starttag(self, tag, attrs):
        attrs = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form" and self.form_class in attrs.get("class", "").split():
            self.in_form = True
        if not self.in_form or "disabled" in attrs:
            return
        if tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text").lower()
            if kind not in NOT_SENT:
                default = "on" if kind in ("checkbox", "radio") else ""
                self.controls.append(
                    Control(
                        "input",
                        attrs["name"],
                        kind,
                        attrs.get("value", default),
                        "checked" in attrs,
                        attrs=attrs,
                    )
                )
        elif tag == "textarea" and attrs.get("name"):
            self.textarea = Control("textarea", attrs["name"], "textarea", attrs=attrs)
            self.controls.append(self.textarea)
        elif tag == "select" and attrs.get("name"):
            self.select = Control("select", attrs["name"], "select", attrs=attrs)
            self.controls.append(self.select)
        elif tag == "option" and self.select is not None:
            self.option = [attrs.get("value"), "selected" in attrs, ""]
            self.select.options.append(self.option)

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea.value += data
        elif self.option is not None:
            self.option[2] += data

    def handle_endtag(self, tag):
        if tag == "form" and self.in_form:
            self.in_form = False
        elif tag == "textarea" and self.textarea is not None:
            text = self.textarea.value.replace("\r\n", "\n").replace("\r", "\n")
            self.textarea.value = text[1:] if text.startswith("\n") else text
            self.textarea = None
        elif tag == "select":
            self.select = None
        elif tag == "option":
            self.option = None


def form_controls(html: str, form_class: str = "admin-form") -> list[Control]:
    parser = _FormParser(form_class)
    parser.feed(html)
    for control in parser.controls:
        if control.tag == "select":
            options = [(v if v is not None else text, sel) for v, sel, text in control.options]
            chosen = [v for v, selected in options if selected] or [v for v, _ in options[:1]]
            control.value = chosen[0] if chosen else ""
            control.options = [v for v, _ in options]
    return parser.controls


def submission(controls: list[Control]) -> list[tuple[str, str]]:
    """The (name, value) pairs a browser posts for these controls."""
    pairs = []
    for control in controls:
        if control.type in ("checkbox", "radio") and not control.checked:
            continue
        value = control.value
        if control.tag == "textarea":
            value = value.replace("\r\n", "\n").replace("\n", "\r\n")
        pairs.append((control.name, value))
    return pairs
