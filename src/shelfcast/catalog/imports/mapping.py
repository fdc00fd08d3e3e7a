"""Which column feeds what: import targets, the proposal from headers, and the
resolution of a mapping against the account's price types, warehouses and
custom fields.

A mapping is ``{header: target}`` with targets written as the API takes them:
a product field (``sku``, ``name``, ...), ``price:<price type name>``,
``stock:<warehouse name>``, ``custom:<key>`` or ``ignore``. The export writes
these very strings as its headers, so an exported file maps itself.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from shelfcast.catalog.imports.matching import matcher_from_synonyms, normalise_header
from shelfcast.catalog.imports.vocabulary import PRODUCT_FIELD_SYNONYMS
from shelfcast.errors import FieldError, InvalidInput, shown


class ProductField(StrEnum):
    SKU = "sku"
    NAME = "name"
    BARCODE = "barcode"
    CATEGORY = "category"
    DESCRIPTION = "description"
    BRAND = "brand"
    UNIT = "unit"
    WEIGHT = "weight"
    IMAGES = "images"


class TargetKind(StrEnum):
    FIELD = "field"
    PRICE = "price"
    STOCK = "stock"
    CUSTOM = "custom"
    IGNORE = "ignore"


IGNORE = "ignore"
_PREFIXED = (TargetKind.PRICE, TargetKind.STOCK, TargetKind.CUSTOM)
_MATCHER = matcher_from_synonyms(PRODUCT_FIELD_SYNONYMS)
# The warehouse and price type a file's lone "stock"/"price" column fills in
# an account that has none yet (created in one click from the mapping screen).
DEFAULT_WAREHOUSE = "Main"
DEFAULT_PRICE_TYPE = "Retail"


@dataclass(frozen=True, slots=True)
class Target:
    kind: TargetKind
    name: str = ""  # the field, price type name, warehouse name or custom key

    def __str__(self) -> str:
        if self.kind is TargetKind.FIELD:
            return self.name
        if self.kind is TargetKind.IGNORE:
            return IGNORE
        return f"{self.kind}:{self.name}"


def parse_target(text: str) -> Target:
    """A target from its text; ``ValueError`` lists what is allowed."""
    value = text.strip()
    if value == IGNORE:
        return Target(TargetKind.IGNORE)
    if value in ProductField.__members__.values():
        return Target(TargetKind.FIELD, value)
    kind, colon, name = value.partition(":")
    if colon and kind in _PREFIXED and name.strip():
        return Target(TargetKind(kind), name.strip())
    raise ValueError(
        f"unknown target {shown(text)}; allowed: {', '.join(ProductField)},"
        " price:<price type name>, stock:<warehouse name>, custom:<key>, ignore"
    )


def column_keys(headers: Sequence[str]) -> list[str]:
    """Unique header texts (a repeated header gets `` (2)``, `` (3)``...); an empty
    one is named by its column letter."""
    keys: list[str] = []
    seen: dict[str, int] = {}
    for index, header in enumerate(headers):
        base = header or f"column {_column_letter(index)}"
        seen[base] = seen.get(base, 0) + 1
        keys.append(base if seen[base] == 1 else f"{base} ({seen[base]})")
    return keys


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def header_signature(headers: Sequence[str]) -> str:
    """The key a confirmed mapping is remembered under: the normalised header set."""
    normal = sorted(normalise_header(header) for header in headers)
    return hashlib.sha256(json.dumps(normal).encode()).hexdigest()


@dataclass(frozen=True)
class AccountDefinitions:
    """The names an account's targets can point at."""

    price_types: Mapping[str, int]
    warehouses: Mapping[str, int]
    custom_fields: Mapping[str, tuple[int, str]]  # key -> (id, type)


def propose_mapping(headers: Sequence[str], known: AccountDefinitions) -> dict[str, str]:
    """A target per column from its header: a target written as such
    (``price:Retail``), a synonym of a product field, a price type, warehouse
    or custom field of the account by name; else ``ignore``."""
    keys = column_keys(headers)
    generic = _MATCHER.propose(headers)
    proposal: dict[str, str] = {}
    taken: set[str] = set()
    for key, header, match in zip(keys, headers, generic, strict=True):
        target = _proposed(header, match, known, taken)
        taken.add(target)
        proposal[key] = target
    return proposal


def _proposed(header: str, match: str | None, known: AccountDefinitions, taken: set[str]) -> str:
    try:
        written = str(parse_target(header))
        if written not in taken:
            return written
    except ValueError:
        pass
    by_name = _account_name(header, known)
    if by_name is not None and by_name not in taken:
        return by_name
    if match == "price":
        name = next(iter(known.price_types), DEFAULT_PRICE_TYPE)
        target = f"price:{name}"
    elif match == "stock":
        name = next(iter(known.warehouses), DEFAULT_WAREHOUSE)
        target = f"stock:{name}"
    else:
        target = match or IGNORE
    return IGNORE if target in taken and target != IGNORE else target


def _account_name(header: str, known: AccountDefinitions) -> str | None:
    normal = normalise_header(header)
    for prefix, names in (
        (TargetKind.PRICE, known.price_types),
        (TargetKind.STOCK, known.warehouses),
        (TargetKind.CUSTOM, known.custom_fields),
    ):
        for name in names:
            if normalise_header(name) == normal:
                return f"{prefix}:{name}"
    return None


@dataclass(frozen=True)
class Missing:
    """Targets the account lacks: price type, warehouse names and custom keys."""

    price_types: tuple[str, ...] = ()
    warehouses: tuple[str, ...] = ()
    custom_fields: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.price_types or self.warehouses or self.custom_fields)


@dataclass(frozen=True)
class ResolvedColumn:
    index: int
    header: str
    target: Target
    ref: int = 0  # price type, warehouse or custom field id
    custom_type: str = ""


@dataclass(frozen=True)
class ResolvedMapping:
    columns: tuple[ResolvedColumn, ...]
    mapping: dict[str, str]
    missing: Missing = field(default_factory=Missing)

    def of(self, kind: TargetKind) -> list[ResolvedColumn]:
        return [column for column in self.columns if column.target.kind is kind]

    def field(self, name: ProductField) -> ResolvedColumn | None:
        for column in self.of(TargetKind.FIELD):
            if column.target.name == name:
                return column
        return None


def resolve_mapping(
    headers: Sequence[str], mapping: Mapping[str, str], known: AccountDefinitions
) -> ResolvedMapping:
    """Check a mapping against the file's headers and the account; the columns
    it leaves out are ignored. ``InvalidInput`` at ``mapping.<header>`` names
    each problem; names the account lacks are listed in ``missing``."""
    keys = column_keys(headers)
    errors = [
        FieldError(
            ("mapping", header),
            f"no column {shown(header)} in the file; its columns: {', '.join(keys)}",
        )
        for header in mapping
        if header not in keys
    ]
    columns: list[ResolvedColumn] = []
    missing: dict[TargetKind, list[str]] = {kind: [] for kind in _PREFIXED}
    used: dict[str, str] = {}
    for index, key in enumerate(keys):
        text = mapping.get(key, IGNORE)
        try:
            target = parse_target(text)
        except ValueError as problem:
            errors.append(FieldError(("mapping", key), str(problem)))
            continue
        if target.kind is TargetKind.IGNORE:
            continue
        if str(target) in used:
            errors.append(
                FieldError(
                    ("mapping", key),
                    f"{target} is already the target of column {shown(used[str(target)])};"
                    " map each target from one column",
                )
            )
            continue
        used[str(target)] = key
        column = _resolved(index, key, target, known)
        if column is None:
            missing[target.kind].append(target.name)
        else:
            columns.append(column)
    if "sku" not in used:
        errors.append(
            FieldError(("mapping",), "map one column to sku: it says which product a row is")
        )
    if errors:
        raise InvalidInput(errors)
    return ResolvedMapping(
        tuple(columns),
        {key: mapping.get(key, IGNORE) for key in keys},
        Missing(*(tuple(missing[kind]) for kind in _PREFIXED)),
    )


def _resolved(
    index: int, key: str, target: Target, known: AccountDefinitions
) -> ResolvedColumn | None:
    if target.kind is TargetKind.PRICE:
        ref = known.price_types.get(target.name)
        return None if ref is None else ResolvedColumn(index, key, target, ref)
    if target.kind is TargetKind.STOCK:
        ref = known.warehouses.get(target.name)
        return None if ref is None else ResolvedColumn(index, key, target, ref)
    if target.kind is TargetKind.CUSTOM:
        found = known.custom_fields.get(target.name)
        return None if found is None else ResolvedColumn(index, key, target, *found)
    return ResolvedColumn(index, key, target)
