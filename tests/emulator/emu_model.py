"""Checks a Query request's parameters against botocore's own service
models (sts 2011-06-15, iam 2010-05-08), as AWS's front end does: the
operation must exist for that Version, required members must be there,
and each scalar must meet its length, range and pattern constraints."""

import re

import botocore.session

import emu_errors

SERVICES = ("sts", "iam")


class Models:
    def __init__(self):
        session = botocore.session.get_session()
        self._models = {s: session.get_service_model(s) for s in SERVICES}

    def api_version(self, service):
        return self._models[service].api_version

    def operation(self, service, action, version):
        """The operation model, or InvalidAction as AWS says it."""
        model = self._models[service]
        if action not in model.operation_names or version != \
                model.api_version:
            raise emu_errors.invalid_action(action, version)
        return model.operation_model(action)

    def service_of(self, action):
        """The service that has this action (for answering a request
        whose signature does not say), STS first."""
        for service in SERVICES:
            if action in self._models[service].operation_names:
                return service
        return "sts"


def _wire_name(member):
    # AWS names members in messages as their lowerCamelCase field names.
    return member[:1].lower() + member[1:]


def _string_problems(value, meta):
    found = []
    if "min" in meta and len(value) < meta["min"]:
        found.append("Member must have length greater than or equal to "
                     f"{meta['min']}")
    if "max" in meta and len(value) > meta["max"]:
        found.append("Member must have length less than or equal to "
                     f"{meta['max']}")
    pattern = meta.get("pattern")
    if pattern and not re.fullmatch(pattern, value, re.ASCII | re.DOTALL):
        found.append("Member must satisfy regular expression pattern: "
                     + pattern)
    return found


def _integer_problems(value, meta):
    if not re.fullmatch(r"-?[0-9]+", value):
        # AWS's exact wording for a non-number here is not documented;
        # this keeps AWS's format with a plain constraint.
        return ["Member must be a number"]
    number = int(value)
    found = []
    if "min" in meta and number < meta["min"]:
        found.append("Member must have value greater than or equal to "
                     f"{meta['min']}")
    if "max" in meta and number > meta["max"]:
        found.append("Member must have value less than or equal to "
                     f"{meta['max']}")
    return found


def validate(operation, params):
    """Raises ValidationError listing every failed constraint, in AWS's
    "N validation errors detected: Value 'x' at 'member' failed to satisfy
    constraint: ..." form.  Returns the operation's scalar parameters."""
    shape = operation.input_shape
    if shape is None:
        return {}
    problems = []
    scalars = {}
    for name, member in shape.members.items():
        where = _wire_name(name)
        if name not in params:
            if name in shape.required_members:
                problems.append(f"Value null at '{where}' failed to "
                                "satisfy constraint: Member must not be null")
            continue
        value = params[name]
        if member.type_name == "string":
            found = _string_problems(value, member.metadata)
        elif member.type_name == "integer":
            found = _integer_problems(value, member.metadata)
        else:
            continue
        problems += [f"Value '{value}' at '{where}' failed to satisfy "
                     f"constraint: {p}" for p in found]
        scalars[name] = value
    if problems:
        raise emu_errors.validation(problems)
    return scalars
