"""Message templates: Django's template language, limited to text, {{ variables }} with filters,
{% if %} and {% for %}. Checked when an admin saves a template (unknown variable, unknown tag,
syntax error), so that a typo is refused at the desk and never found at send time."""

from __future__ import annotations

from django.template import Context, Engine, TemplateSyntaxError
from django.template.base import FilterExpression, TextNode, Variable, VariableNode
from django.template.defaulttags import CommentNode, ForNode, IfNode
from django.utils.translation import gettext as _

# Plain text out: the inbox page escapes when it displays, e-mail and SMS are text.
ENGINE = Engine(autoescape=False, loaders=[], libraries={}, builtins=None)


class TemplateProblem(ValueError):
    pass


def problems(source: str, allowed) -> list[str]:
    """What is wrong with `source` given the variable names it may use; empty when it is fine."""
    try:
        template = ENGINE.from_string(source or "")
    except TemplateSyntaxError as exc:
        return [_("模板语法错误：%(e)s") % {"e": exc}]
    found: list[str] = []
    _walk(template.nodelist, set(allowed), found)
    return list(dict.fromkeys(found))


def _walk(nodelist, scope: set[str], found: list[str]) -> None:
    for node in nodelist:
        if isinstance(node, TextNode | CommentNode):
            continue
        if isinstance(node, VariableNode):
            _check_expression(node.filter_expression, scope, found)
        elif isinstance(node, IfNode):
            for condition, branch in node.conditions_nodelists:
                if condition is not None:
                    _check_condition(condition, scope, found)
                _walk(branch, scope, found)
        elif isinstance(node, ForNode):
            _check_expression(node.sequence, scope, found)
            _walk(node.nodelist_loop, scope | set(node.loopvars) | {"forloop"}, found)
            _walk(node.nodelist_empty, scope, found)
        else:
            tag = getattr(node, "token", None)
            name = tag.contents.split()[0] if tag is not None and tag.contents else type(node).__name__
            found.append(_("不支持的模板标签：{%% %(tag)s %%}（只能使用 if 和 for）") % {"tag": name})


def _check_condition(condition, scope, found) -> None:
    # smartif: a literal holds a FilterExpression in `value`; operators hold `first` and `second`.
    value = getattr(condition, "value", None)
    if isinstance(value, FilterExpression):
        _check_expression(value, scope, found)
    for part in ("first", "second"):
        child = getattr(condition, part, None)
        if child is not None:
            _check_condition(child, scope, found)


def _check_variable(variable, scope, found) -> None:
    if isinstance(variable, Variable) and variable.lookups:
        root = variable.lookups[0]
        if root not in scope:
            found.append(_("未知变量：%(name)s") % {"name": variable.var})


def _check_expression(expression: FilterExpression, scope, found) -> None:
    _check_variable(expression.var, scope, found)
    for _func, args in expression.filters:
        for is_variable, argument in args:
            if is_variable:
                _check_variable(argument, scope, found)


def validate(source: str, allowed) -> None:
    found = problems(source, allowed)
    if found:
        raise TemplateProblem("；".join(found))


def render(source: str, context: dict) -> str:
    return ENGINE.from_string(source or "").render(Context(context, autoescape=False)).strip()
